export { DepartmentDatabase, departmentDataSource, grantWriterRole, type Migrations } from './department-database.js';
