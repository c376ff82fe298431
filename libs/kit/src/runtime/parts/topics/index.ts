export { DepartmentTopics, type TopicSettings } from './department-topics.js';
export { departmentKafka } from './department-kafka.js';
export { TopicGeneration } from './topic-generation.js';
