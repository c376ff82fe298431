import { Module } from '@nestjs/common';

import { ParcelsController } from './parcels.controller.js';

@Module({ controllers: [ParcelsController] })
export class ParcelsModule {}
