import { DefaultEdit } from '../EditProperties.js';

export default DefaultEdit;
