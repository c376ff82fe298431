import { bootstrapDepartment } from '@registry-bus/kit';

import { CREDIT_DEPARTMENT } from './credit.department.js';
import { CreditModule } from './credit.module.js';

await bootstrapDepartment(CREDIT_DEPARTMENT, [CreditModule]);
