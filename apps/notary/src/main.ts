import { bootstrapDepartment } from '@registry-bus/kit';

import { NOTARY_DEPARTMENT } from './notary.department.js';

await bootstrapDepartment(NOTARY_DEPARTMENT);
