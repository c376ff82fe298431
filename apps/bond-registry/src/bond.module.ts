import { Module } from '@nestjs/common';

import { IssuesController } from './issues/issues.controller.js';

@Module({ controllers: [IssuesController] })
export class BondModule {}
