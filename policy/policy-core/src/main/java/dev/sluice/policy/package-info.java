/** Policy-as-YAML model, loader, validator, evaluator and effective-access diff. Plain Java. */
package dev.sluice.policy;
