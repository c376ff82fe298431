export { compare, formatReport, machineInfo, measure, type BenchReport, type BenchRow } from './bench-report.js';
