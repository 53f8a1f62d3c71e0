package dev.sluice.catalog.storage;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends uploads without {@code Expect: 100-continue}, which the SDK adds to every PUT. Over the
 * JDK's HTTP connection some S3 servers (S3Proxy among them) close a kept-alive connection after
 * such a request now and then, and the next PUT on it fails with "Unexpected end of file from
 * server": about one PUT in a hundred against S3Proxy, none without the header. The header only
 * spares sending a body the server would refuse, which costs a refused upload its body's transfer:
 * the catalog's uploads are metadata files and, for retention and erasure, rewritten data files.
 */
final class NoExpectContinue implements ExecutionInterceptor {
  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    return request.firstMatchingHeader("Expect").isPresent()
        ? request.toBuilder().removeHeader("Expect").build()
        : request;
  }
}
