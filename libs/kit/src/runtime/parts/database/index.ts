export {
  DepartmentDatabase,
  departmentDataSource,
  grantWriterRole,
  migrateDepartment,
  type Migrations,
} from './department-database.js';
