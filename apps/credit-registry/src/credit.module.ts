import { Module } from '@nestjs/common';

import { ApplicationsController } from './applications/applications.controller.js';
import { BanksController } from './banks/banks.controller.js';
import { CreditorRegisterController } from './creditor-register/creditor-register.controller.js';
import { PledgesController } from './pledges/pledges.controller.js';

@Module({ controllers: [BanksController, PledgesController, ApplicationsController, CreditorRegisterController] })
export class CreditModule {}
