package dev.sluice.contracts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContractViolationTest {

  @Test
  void aViolationNeedsAKebabCaseRuleAMessageAndAnOrigin() {
    assertThatThrownBy(
            () ->
                new ContractViolation(
                    "dropField", "a", null, "Field 'a' is dropped.", Contracts.CONTRACT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kebab-case");
    assertThatThrownBy(
            () -> new ContractViolation("drop-field", "a", null, " ", Contracts.CONTRACT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContractViolation("drop-field", "", null, "m", Contracts.CONTRACT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContractViolation("drop-field", "a", null, "m", null))
        .isInstanceOf(NullPointerException.class);
  }
}
