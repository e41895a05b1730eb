import { DatetimeEdit } from '../EditProperties.js';

export default DatetimeEdit;
