import { DefaultFilter } from '../FilterProperties.js';

export default DefaultFilter;
