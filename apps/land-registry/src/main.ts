import { bootstrapDepartment } from '@registry-bus/kit';

import { LAND_DEPARTMENT } from './land.department.js';
import { ParcelsModule } from './parcels/parcels.module.js';

await bootstrapDepartment(LAND_DEPARTMENT, [ParcelsModule]);
