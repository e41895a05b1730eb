import { ReferenceEdit } from '../EditProperties.js';

export default ReferenceEdit;
