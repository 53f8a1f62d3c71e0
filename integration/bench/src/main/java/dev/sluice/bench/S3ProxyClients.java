package dev.sluice.bench;

import dev.sluice.it.S3ProxyServer;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The benchmark's own AWS SDK clients for the shared S3Proxy: path-style, its keys, its region. */
final class S3ProxyClients {
  private S3ProxyClients() {}

  static S3Client client(S3ProxyServer s3) {
    return S3Client.builder()
        .endpointOverride(URI.create(s3.endpoint()))
        .region(Region.of(S3ProxyServer.REGION))
        .credentialsProvider(credentials())
        .forcePathStyle(true)
        // S3Proxy does not take the SDK's default trailing checksums
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  static S3Presigner presigner(S3ProxyServer s3) {
    return S3Presigner.builder()
        .endpointOverride(URI.create(s3.endpoint()))
        .region(Region.of(S3ProxyServer.REGION))
        .credentialsProvider(credentials())
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(
        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY));
  }
}
