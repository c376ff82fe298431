import { bootstrapDepartment } from '@registry-bus/kit';

import { DIPLOMA_DEPARTMENT } from './diploma.department.js';
import { DiplomaModule } from './diploma.module.js';

await bootstrapDepartment(DIPLOMA_DEPARTMENT, [DiplomaModule]);
