-- One database per department (DESIGN.md: each department app has its own).
CREATE DATABASE registry_bus_notary;
CREATE DATABASE registry_bus_land;
CREATE DATABASE registry_bus_diploma;
CREATE DATABASE registry_bus_court;
CREATE DATABASE registry_bus_credit;
CREATE DATABASE registry_bus_bond;
