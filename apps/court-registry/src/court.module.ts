import { Module } from '@nestjs/common';

import { CasesController } from './cases/cases.controller.js';

@Module({ controllers: [CasesController] })
export class CourtModule {}
