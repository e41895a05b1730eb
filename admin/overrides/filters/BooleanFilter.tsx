import { BooleanFilter } from '../FilterProperties.js';

export default BooleanFilter;
