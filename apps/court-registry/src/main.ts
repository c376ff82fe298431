import { bootstrapDepartment } from '@registry-bus/kit';

import { COURT_DEPARTMENT } from './court.department.js';
import { CourtModule } from './court.module.js';

await bootstrapDepartment(COURT_DEPARTMENT, [CourtModule]);
