package dev.microseg.api.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

import java.util.List;

/**
 * Strict request-body parsing with errors that point at the field: unknown fields, wrong JSON
 * types (no silent coercion of {@code 1} into {@code "1"} or {@code "true"} into {@code true}),
 * trailing content, and malformed JSON with its line and column.
 */
public final class JsonBodies {
    /**
     * The strict mapper; also used to (de)serialise revision diffs so they round-trip. Its parser
     * buffers come from a shared pool: Jackson's default pool is per thread, and requests run on
     * virtual threads that live for one request, so with it every request allocated fresh
     * buffers (the largest allocation site of the REST benchmark, docs/benchmarks.md).
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .build();

    private JsonBodies() {
    }

    /** Parses {@code body} into {@code type} or throws an {@link ApiException} naming the field. */
    public static <T> T parse(String body, Class<T> type) {
        if (body == null || body.isBlank()) {
            throw new ApiException(ErrorCode.MALFORMED_JSON, "the request needs a JSON object body",
                    List.of(new FieldError("$", "missing request body")));
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new ApiException(ErrorCode.WRONG_TYPE, "the body must be a JSON object, not null",
                        List.of(new FieldError("$", "expected an object")));
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            throw ApiException.field(ErrorCode.UNKNOWN_FIELD, field, "unknown field; known fields: "
                    + String.join(", ", e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()));
        } catch (InvalidFormatException e) {
            throw ApiException.field(ErrorCode.WRONG_TYPE, path(e), "expected " + describe(e.getTargetType())
                    + ", got " + e.getValue());
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field.equals("$") && e.getTargetType() == type) {
                throw new ApiException(ErrorCode.WRONG_TYPE, "the body must be a JSON object" + at(e.getLocation()),
                        List.of(new FieldError("$", "expected an object")));
            }
            throw ApiException.field(ErrorCode.WRONG_TYPE, field, "expected " + describe(e.getTargetType()) + at(e.getLocation()));
        } catch (JsonMappingException e) {
            throw ApiException.field(ErrorCode.WRONG_TYPE, path(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ApiException(ErrorCode.MALFORMED_JSON, "malformed JSON" + at(e.getLocation()) + ": " + e.getOriginalMessage(),
                    List.of(new FieldError("$", e.getOriginalMessage() + at(e.getLocation()))));
        }
    }

    private static String at(JsonLocation l) {
        return l == null || l.getLineNr() < 0 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    /** {@code criteria[1].value} from Jackson's reference path. */
    static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "$" : sb.toString();
    }

    private static String describe(Class<?> t) {
        if (t == null) {
            return "another type";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t == Long.class || t == Integer.class || t == long.class || t == int.class) {
            return "an integer";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(t)) {
            return "an array";
        }
        return "an object";
    }

    static {
        MAPPER.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }
}
