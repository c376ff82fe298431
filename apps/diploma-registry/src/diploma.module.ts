import { Module } from '@nestjs/common';

import { DiplomasController } from './diplomas/diplomas.controller.js';
import { InstitutionsController } from './institutions/institutions.controller.js';

@Module({ controllers: [InstitutionsController, DiplomasController] })
export class DiplomaModule {}
