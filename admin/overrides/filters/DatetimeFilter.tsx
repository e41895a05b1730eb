import { DatetimeFilter } from '../FilterProperties.js';

export default DatetimeFilter;
