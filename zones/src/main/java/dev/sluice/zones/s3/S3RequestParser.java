package dev.sluice.zones.s3;

import static java.util.Objects.requireNonNull;

import dev.sluice.zones.InvalidLocationException;
import dev.sluice.zones.PercentDecoding;
import dev.sluice.zones.StorageLocation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads an S3 request an engine asks to have signed (method, URI, headers, and the body of a
 * DeleteObjects) into an {@link S3Request}, refusing everything that is not one of the few
 * operations Iceberg's file IO performs. Anything unknown is refused, never signed: a query
 * parameter ({@code ?acl}, {@code ?versionId}, {@code ?policy}), a header that reaches another
 * object ({@code x-amz-copy-source}) or changes who may read one ({@code x-amz-acl}), a host other
 * than the S3 endpoint's, a path that walks up.
 *
 * <p>Object keys are what S3 reads: the URI's raw path, percent-decoded once. The key is then
 * judged as a {@link StorageLocation}, which also refuses keys that would mean something else to a
 * store that decodes again.
 */
public final class S3RequestParser {
  private static final Set<String> X_ID_ONLY = Set.of("x-id");
  private static final Set<String> LIST_PARAMETERS =
      Set.of(
          "list-type",
          "prefix",
          "delimiter",
          "continuation-token",
          "max-keys",
          "start-after",
          "encoding-type",
          "fetch-owner",
          "x-id");
  private static final List<String> REFUSED_HEADER_PREFIXES =
      List.of(
          "x-amz-copy-source", // reads another object into this one
          "x-amz-acl",
          "x-amz-grant-", // change who may read the object
          "x-amz-object-lock-",
          "x-amz-bypass-governance-retention",
          "x-amz-website-redirect-location",
          "x-amz-security-token"); // the signer's own credentials decide, never the client's
  private static final int MAX_DELETE_KEYS = 1000;

  private final String scheme;
  private final String host;
  private final int port;
  private final boolean awsHosts;

  private S3RequestParser(String scheme, String host, int port, boolean awsHosts) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.awsHosts = awsHosts;
  }

  /**
   * Requests to an S3-compatible server at {@code endpoint} ({@code http://127.0.0.1:9000}),
   * addressed path-style ({@code /bucket/key}) or virtual-hosted ({@code bucket.host/key}).
   */
  public static S3RequestParser forEndpoint(URI endpoint) {
    requireNonNull(endpoint, "endpoint");
    if (endpoint.getHost() == null || endpoint.getScheme() == null) {
      throw new IllegalArgumentException("S3 endpoint needs a scheme and a host: " + endpoint);
    }
    String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    return new S3RequestParser(
        scheme,
        endpoint.getHost().toLowerCase(Locale.ROOT),
        effectivePort(scheme, endpoint),
        false);
  }

  /** Requests to AWS S3 itself ({@code s3.amazonaws.com}, {@code s3.<region>.amazonaws.com}). */
  public static S3RequestParser forAws() {
    return new S3RequestParser("https", "amazonaws.com", 443, true);
  }

  /**
   * The request, or an exception naming why it is never signed.
   *
   * @param body the request body, which only a DeleteObjects carries (null otherwise)
   * @throws S3RequestRefusedException for an operation, parameter, header or host never signed
   * @throws InvalidLocationException for a key that is malformed or walks up
   */
  public S3Request parse(String method, URI uri, Map<String, List<String>> headers, String body) {
    if (method == null || method.isEmpty()) {
      throw new S3RequestRefusedException("the request has no method");
    }
    if (uri == null) {
      throw new S3RequestRefusedException("the request has no uri");
    }
    if (!uri.isAbsolute() || uri.getRawAuthority() == null) {
      throw new S3RequestRefusedException("the uri must be absolute: " + uri);
    }
    if (uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
      throw new S3RequestRefusedException("the uri may not carry user info or a fragment");
    }
    String uriScheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String uriHost = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    String bucketFromHost = bucketFromHost(uriScheme, uriHost, effectivePort(uriScheme, uri), uri);
    checkHeaders(headers == null ? Map.of() : headers, uri);
    String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
    String path = decodeOnce(rawPath);
    String bucket;
    String key;
    if (bucketFromHost != null) {
      bucket = bucketFromHost;
      key = path.startsWith("/") ? path.substring(1) : path;
    } else {
      String rest = path.startsWith("/") ? path.substring(1) : path;
      int slash = rest.indexOf('/');
      bucket = slash < 0 ? rest : rest.substring(0, slash);
      key = slash < 0 ? "" : rest.substring(slash + 1);
    }
    if (bucket.isEmpty()) {
      throw new S3RequestRefusedException("the request names no bucket");
    }
    Map<String, String> query = query(uri.getRawQuery());
    String verb = method.toUpperCase(Locale.ROOT);
    if (key.isEmpty()) {
      return bucketRequest(verb, bucket, query, body);
    }
    StorageLocation target = location(bucket, key);
    return switch (verb) {
      case "GET", "HEAD" -> {
        allowOnly(query, X_ID_ONLY, verb + " of an object");
        yield new S3Request(S3Operation.READ_OBJECT, bucket, List.of(target), false);
      }
      case "PUT" -> {
        if (query.containsKey("partNumber") || query.containsKey("uploadId")) {
          require(query, "partNumber", "an upload part");
          require(query, "uploadId", "an upload part");
          allowOnly(query, Set.of("partNumber", "uploadId", "x-id"), "an upload part");
        } else {
          allowOnly(query, X_ID_ONLY, "PUT of an object");
        }
        yield new S3Request(S3Operation.WRITE_OBJECT, bucket, List.of(target), false);
      }
      case "POST" -> {
        if (query.containsKey("uploads")) {
          allowOnly(query, Set.of("uploads", "x-id"), "starting a multipart upload");
        } else if (query.containsKey("uploadId")) {
          allowOnly(query, Set.of("uploadId", "x-id"), "completing a multipart upload");
        } else {
          throw new S3RequestRefusedException(
              "POST to an object is signed only to start or complete a multipart upload");
        }
        yield new S3Request(S3Operation.WRITE_OBJECT, bucket, List.of(target), false);
      }
      case "DELETE" -> {
        allowOnly(query, Set.of("uploadId", "x-id"), "DELETE of an object");
        yield new S3Request(S3Operation.DELETE_OBJECT, bucket, List.of(target), false);
      }
      default -> throw new S3RequestRefusedException("method " + method + " is never signed");
    };
  }

  private S3Request bucketRequest(
      String verb, String bucket, Map<String, String> query, String body) {
    if (verb.equals("GET") && "2".equals(query.get("list-type"))) {
      allowOnly(query, LIST_PARAMETERS, "a listing");
      String prefix = query.get("prefix");
      if (prefix == null || prefix.isEmpty()) {
        throw new S3RequestRefusedException("a listing is signed only with a prefix");
      }
      // start-after and continuation-token only skip forward: the prefix alone bounds the answer
      return new S3Request(
          S3Operation.LIST, bucket, List.of(location(bucket, prefix)), prefix.endsWith("/"));
    }
    if (verb.equals("POST") && query.containsKey("delete")) {
      allowOnly(query, Set.of("delete", "x-id"), "DeleteObjects");
      return new S3Request(S3Operation.DELETE_OBJECTS, bucket, deleteTargets(bucket, body), false);
    }
    throw new S3RequestRefusedException(
        verb
            + " of bucket "
            + bucket
            + (query.isEmpty() ? "" : " with " + query.keySet())
            + " is never signed; only listings under a prefix and DeleteObjects are");
  }

  private static StorageLocation location(String bucket, String key) {
    if (key.indexOf('?') >= 0 || key.indexOf('#') >= 0) {
      throw new S3RequestRefusedException("a key holding '?' or '#' is never signed");
    }
    // "a//b" is a key of its own to S3 and "a/b" to a file store: containment is judged on the
    // non-empty segments, which both readings share (Iceberg writes such keys for some layouts)
    return StorageLocation.parse("s3://" + bucket + "/" + key);
  }

  /** The keys of a DeleteObjects body; a version id is refused (old versions stay out of reach). */
  private static List<StorageLocation> deleteTargets(String bucket, String body) {
    if (body == null || body.isBlank()) {
      throw new S3RequestRefusedException("DeleteObjects is signed only with its body");
    }
    Document document = parseXml(body);
    Element root = document.getDocumentElement();
    if (!"Delete".equals(root.getLocalName())) {
      throw new S3RequestRefusedException("a DeleteObjects body must be a <Delete> element");
    }
    List<StorageLocation> targets = new ArrayList<>();
    NodeList children = root.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node child = children.item(i);
      if (child.getNodeType() != Node.ELEMENT_NODE) {
        continue;
      }
      String name = child.getLocalName();
      if ("Quiet".equals(name)) {
        continue;
      }
      if (!"Object".equals(name)) {
        throw new S3RequestRefusedException("unknown element <" + name + "> in DeleteObjects");
      }
      String key = null;
      NodeList parts = child.getChildNodes();
      for (int j = 0; j < parts.getLength(); j++) {
        Node part = parts.item(j);
        if (part.getNodeType() != Node.ELEMENT_NODE) {
          continue;
        }
        if ("Key".equals(part.getLocalName()) && key == null) {
          key = part.getTextContent();
        } else {
          throw new S3RequestRefusedException(
              "DeleteObjects may name only one <Key> per object (no <"
                  + part.getLocalName()
                  + ">)");
        }
      }
      if (key == null || key.isEmpty()) {
        throw new S3RequestRefusedException("an <Object> of DeleteObjects has no <Key>");
      }
      targets.add(location(bucket, key));
      if (targets.size() > MAX_DELETE_KEYS) {
        throw new S3RequestRefusedException(
            "DeleteObjects names more than " + MAX_DELETE_KEYS + " keys");
      }
    }
    if (targets.isEmpty()) {
      throw new S3RequestRefusedException("DeleteObjects names no key");
    }
    return targets;
  }

  private static Document parseXml(String body) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      // no DTDs, no external entities: the body comes from an untrusted client
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      builder.setErrorHandler(null);
      return builder.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    } catch (SAXException | IOException e) {
      throw new S3RequestRefusedException(
          "the DeleteObjects body is not well-formed XML: " + e.getMessage());
    }
  }

  /** The bucket named by a virtual-hosted host, null for path-style; refuses foreign hosts. */
  private String bucketFromHost(String uriScheme, String uriHost, int uriPort, URI uri) {
    if (awsHosts) {
      if (!uriScheme.equals("https") || uriPort != 443) {
        throw new S3RequestRefusedException("AWS S3 is reached over https only: " + uri);
      }
      int s3 = uriHost.indexOf("s3.");
      boolean aws =
          uriHost.endsWith(".amazonaws.com")
              && (s3 == 0 || (s3 > 0 && uriHost.charAt(s3 - 1) == '.'))
              && uriHost.substring(s3).matches("s3(\\.[a-z0-9-]+)?\\.amazonaws\\.com");
      if (!aws) {
        throw new S3RequestRefusedException("not an S3 host: " + uri.getHost());
      }
      return s3 == 0 ? null : uriHost.substring(0, s3 - 1);
    }
    if (!uriScheme.equals(scheme) || uriPort != port) {
      throw new S3RequestRefusedException(
          "the request is not for this catalog's S3 endpoint: "
              + uri.getScheme()
              + "://"
              + uri.getRawAuthority());
    }
    if (uriHost.equals(host)) {
      return null;
    }
    if (uriHost.endsWith("." + host)) {
      String bucket = uriHost.substring(0, uriHost.length() - host.length() - 1);
      if (!bucket.isEmpty()) {
        return bucket;
      }
    }
    throw new S3RequestRefusedException(
        "the request is not for this catalog's S3 endpoint: " + uri.getRawAuthority());
  }

  private static void checkHeaders(Map<String, List<String>> headers, URI uri) {
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = header.getKey() == null ? "" : header.getKey().toLowerCase(Locale.ROOT);
      for (String refused : REFUSED_HEADER_PREFIXES) {
        if (name.startsWith(refused)) {
          throw new S3RequestRefusedException("header " + header.getKey() + " is never signed");
        }
      }
      if (name.equals("host")) {
        List<String> values = header.getValue();
        if (values == null
            || values.size() != 1
            || !values.get(0).equalsIgnoreCase(uri.getRawAuthority())) {
          throw new S3RequestRefusedException(
              "the Host header must be the uri's host: " + uri.getRawAuthority());
        }
      }
    }
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decodeOnce(equals < 0 ? pair : pair.substring(0, equals));
      String value = equals < 0 ? "" : decodeOnce(pair.substring(equals + 1));
      if (query.put(name, value) != null) {
        throw new S3RequestRefusedException("query parameter " + name + " is repeated");
      }
    }
    return query;
  }

  private static void allowOnly(Map<String, String> query, Set<String> allowed, String what) {
    for (String name : query.keySet()) {
      if (!allowed.contains(name)) {
        throw new S3RequestRefusedException(
            "query parameter '" + name + "' is never signed for " + what);
      }
    }
  }

  private static void require(Map<String, String> query, String name, String what) {
    String value = query.get(name);
    if (value == null || value.isEmpty()) {
      throw new S3RequestRefusedException(what + " needs query parameter " + name);
    }
  }

  private static int effectivePort(String scheme, URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
  }

  /** One round of percent-decoding, as S3 applies to the path; '+' stays '+'. */
  private static String decodeOnce(String text) {
    try {
      return PercentDecoding.decodeOnce(text);
    } catch (IllegalArgumentException e) {
      throw new S3RequestRefusedException(e.getMessage() + " in the request");
    }
  }
}
