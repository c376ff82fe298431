import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DynamicModule, Type } from '@nestjs/common';
import { startDepartment, type DepartmentDefinition, type RunningDepartment, type Role } from '@registry-bus/kit';
import { createLogger } from '@registry-bus/logging';
import { ensureDevTrust } from '@registry-bus/protocol';
import { integrationEnvironment } from '@registry-bus/testing';

import { CREDIT_DEPARTMENT } from '../../apps/credit-registry/src/credit.department.js';
import { CreditModule } from '../../apps/credit-registry/src/credit.module.js';
import { LAND_DEPARTMENT } from '../../apps/land-registry/src/land.department.js';
import { ParcelsModule } from '../../apps/land-registry/src/parcels/parcels.module.js';
import { departmentTestConfig } from '../../libs/kit/integration/department-fixture.js';

/** The department apps an end-to-end test can start, exactly as their main.ts does. */
export const DEPARTMENTS: Record<string, { definition: DepartmentDefinition; modules: Array<Type | DynamicModule> }> = {
  land: { definition: LAND_DEPARTMENT, modules: [ParcelsModule] },
  credit: { definition: CREDIT_DEPARTMENT, modules: [CreditModule] },
};

export interface Answer {
  status: number;
  body: Record<string, unknown> & { [key: string]: unknown };
  headers: Headers;
}

/**
 * Several department apps in this process on the shared test Kafka and
 * Postgres (each its own database and topic namespace), with an HTTP client.
 */
export class DepartmentStack {
  readonly running = new Map<string, RunningDepartment>();
  private readonly local = mkdtempSync(join(tmpdir(), 'rb-stack-'));
  private readonly env = integrationEnvironment();
  readonly namespace = `${this.env.uniqueName('e2e')}.`;

  async start(departments: string[], overrides: Record<string, string> = {}): Promise<this> {
    await ensureDevTrust(this.local, departments);
    for (const department of departments) {
      const { definition, modules } = DEPARTMENTS[department]!;
      const config = await departmentTestConfig(this.env, this.local, department, this.namespace, overrides);
      const logger = createLogger(department, { level: process.env.E2E_LOG_LEVEL ?? 'silent' });
      this.running.set(department, await startDepartment(definition, modules, config, logger));
    }
    return this;
  }

  get(department: string): RunningDepartment {
    const running = this.running.get(department);
    if (!running) throw new Error(`department ${department} is not running`);
    return running;
  }

  async token(department: string, role: Role, operator: string, scope?: string): Promise<string> {
    const issued = await this.get(department).runtime.tokens.issue({
      operator,
      role,
      scope: scope ?? null,
      validForSeconds: 3600,
      issuedBy: 'test',
    });
    return issued.token;
  }

  /** The owner's admin grants `grantee` access over REST (a control entry of the owner's ledger). */
  async grant(owner: string, grantee: string, eventTypes: string[], fields: '*' | string[] = '*'): Promise<string> {
    const admin = await this.token(owner, 'admin', `admin:${owner}-grants`);
    const answer = await this.call(owner, 'POST', '/v1/access/grants', {
      token: admin,
      body: { grantee, eventTypes, fields, purpose: `test: ${grantee} reads ${eventTypes.join(', ')}` },
    });
    if (answer.status !== 201) throw new Error(`grant ${owner} → ${grantee} failed: ${JSON.stringify(answer.body)}`);
    return answer.body.grantId as string;
  }

  /** The grants the registers need for the pledge saga (the same ones `npm start` issues). */
  async pledgeSagaGrants(): Promise<void> {
    await this.grant('land', 'credit', ['gov.land.encumbrance.*', 'gov.land.parcel.transferred.v1']);
    await this.grant('credit', 'land', ['gov.credit.pledge.*']);
  }

  async call(
    department: string,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const response = await fetch(`${this.get(department).url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body, headers: response.headers };
  }

  /** Polls until `probe` returns a value (bounded: 30 s by default). */
  async eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    for (const running of [...this.running.values()].reverse()) await running.close();
    this.running.clear();
    rmSync(this.local, { recursive: true, force: true });
  }
}
