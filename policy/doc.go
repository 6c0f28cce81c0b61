// Package policy decides who may read which audiences and who may perform which staff
// actions. The Casbin model is embedded; policies live in PostgreSQL and are reloaded
// on every instance when they change.
package policy
