export { Answering, type AnsweringOptions } from './answering.js';
