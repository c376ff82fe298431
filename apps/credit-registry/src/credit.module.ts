import { Module } from '@nestjs/common';

import { BanksController } from './banks/banks.controller.js';
import { PledgesController } from './pledges/pledges.controller.js';

@Module({ controllers: [BanksController, PledgesController] })
export class CreditModule {}
