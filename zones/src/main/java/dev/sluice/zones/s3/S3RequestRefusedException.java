package dev.sluice.zones.s3;

/** An S3 request that is never signed, whoever asks: the message names the rule. */
public class S3RequestRefusedException extends IllegalArgumentException {
  public S3RequestRefusedException(String message) {
    super(message);
  }
}
