package dev.sluice.catalog.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.catalog.config.HttpLimitsConfig;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import org.apache.iceberg.rest.RESTMessage;
import org.apache.iceberg.rest.RESTRequest;

/**
 * Reads and writes Iceberg REST messages with {@link IcebergJson}. Scoped by type: only classes of
 * the protocol ({@link RESTMessage}) go through it, everything else keeps Quarkus's own mapper.
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
@Produces(MediaType.APPLICATION_JSON)
@Priority(Priorities.USER - 100)
public class IcebergMessageProvider
    implements MessageBodyReader<RESTMessage>, MessageBodyWriter<RESTMessage> {
  private final ObjectMapper mapper = IcebergJson.mapper();
  private final long maxBodyBytes;

  @Inject
  public IcebergMessageProvider(HttpLimitsConfig limits) {
    this.maxBodyBytes = limits.maxRequestBodyBytes();
  }

  @Override
  public boolean isReadable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return RESTMessage.class.isAssignableFrom(type);
  }

  @Override
  public RESTMessage readFrom(
      Class<RESTMessage> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, String> httpHeaders,
      InputStream entityStream)
      throws IOException {
    RESTMessage message;
    try {
      message = mapper.readValue(new LimitedInputStream(entityStream, maxBodyBytes), type);
    } catch (RequestTooLargeException e) {
      throw e;
    } catch (JsonMappingException e) {
      throw new MalformedRequestException(e, describe(e, type));
    } catch (JsonProcessingException e) {
      throw new MalformedRequestException(e, "Malformed JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException
        | NullPointerException
        | UnsupportedOperationException
        | IllegalStateException
        | ClassCastException e) {
      // Iceberg's parsers throw these for unknown kinds and shapes (an unknown requirement type
      // is an UnsupportedOperationException): a body that cannot be read is the client's error
      throw new MalformedRequestException(
          e, "Invalid " + type.getSimpleName() + ": " + e.getMessage());
    }
    if (message == null) {
      throw new MalformedRequestException(null, "Missing request body");
    }
    if (message instanceof RESTRequest request) {
      try {
        request.validate();
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new MalformedRequestException(
            e, "Invalid " + type.getSimpleName() + ": " + e.getMessage());
      }
    }
    return message;
  }

  private static String describe(JsonMappingException e, Class<?> type) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String detail =
        root instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : root.getMessage();
    if (root instanceof RequestTooLargeException tooLarge) {
      throw tooLarge;
    }
    return "Invalid " + type.getSimpleName() + ": " + detail;
  }

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return RESTMessage.class.isAssignableFrom(type);
  }

  @Override
  public void writeTo(
      RESTMessage message,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> httpHeaders,
      OutputStream entityStream)
      throws IOException {
    mapper.writeValue(entityStream, message);
  }

  /** Counts what is read and stops at the limit, for bodies sent without a Content-Length. */
  private static final class LimitedInputStream extends FilterInputStream {
    private final long limit;
    private long count;

    LimitedInputStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(long n) {
      count += n;
      if (count > limit) {
        throw new RequestTooLargeException(limit);
      }
    }
  }
}
