package dev.sluice.catalog.policy;

/** An apply refused because the bundle does not validate; carries every error. */
public class InvalidPolicyBundleException extends RuntimeException {
  private final PolicyReview review;

  public InvalidPolicyBundleException(PolicyReview review) {
    super("Invalid policy bundle: " + review.errors().size() + " error(s)");
    this.review = review;
  }

  public PolicyReview review() {
    return review;
  }
}
