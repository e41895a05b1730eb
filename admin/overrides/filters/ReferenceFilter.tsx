import { ReferenceFilter } from '../FilterProperties.js';

export default ReferenceFilter;
