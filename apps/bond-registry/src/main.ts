import { bootstrapDepartment } from '@registry-bus/kit';

import { BOND_DEPARTMENT } from './bond.department.js';
import { BondModule } from './bond.module.js';

await bootstrapDepartment(BOND_DEPARTMENT, [BondModule]);
