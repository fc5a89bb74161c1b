using System.Reflection;
using System.Text.Json.Nodes;

namespace InteropTests.Support;

/// <summary>The committed OpenAPI snapshot, and a check that a C# record has a typed property for every field of
/// one of its schemas, nullable exactly when the schema allows null.</summary>
public static class ContractSchema
{
    /// <summary>The repository's root (where TimepointFlash.sln is).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TimepointFlash.sln")))
        {
            dir = dir.Parent;
        }

        return dir!.FullName;
    }

    /// <summary>The snapshot's components/schemas.</summary>
    public static JsonNode Schemas()
    {
        var document = JsonNode.Parse(File.ReadAllText(
            Path.Combine(RepoRoot(), "tests", "TimepointFlash.Client.Tests", "openapi.v1.json")))!;
        return document["components"]!["schemas"]!;
    }

    /// <summary>A wire name in PascalCase: "grounding_status" is "GroundingStatus".</summary>
    public static string PascalCase(string field) =>
        string.Concat(field.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>Checks every property of a schema against a record. Renamed maps a field to its property name;
    /// excluded fields are skipped; inline object schemas are checked recursively, and so are the referenced
    /// schemas of the fields in follow (an "oneOf: [null, $ref]" field, or an array of inline objects).</summary>
    public static void Check(
        JsonNode schema,
        Type record,
        string where,
        IReadOnlyDictionary<string, string>? renamed = null,
        IReadOnlySet<string>? excluded = null,
        IReadOnlySet<string>? follow = null)
    {
        var schemas = Schemas();
        var nullability = new NullabilityInfoContext();

        void Walk(JsonNode node, Type type, string at, bool top)
        {
            foreach (var (field, spec) in node["properties"]!.AsObject())
            {
                if (top && excluded is not null && excluded.Contains(field))
                {
                    continue;
                }

                var name = renamed?.GetValueOrDefault(field) ?? PascalCase(field);
                var property = type.GetProperty(name);
                Assert.True(property is not null, $"{at}.{field} has no property {type.Name}.{name}");
                var nullable =
                    (spec!["type"] is JsonArray types && types.Any(t => (string?)t == "null"))
                    || (spec["oneOf"] is JsonArray options && options.Any(o => (string?)o!["type"] == "null"));
                Assert.True(
                    nullable == (nullability.Create(property!).ReadState == NullabilityState.Nullable),
                    $"{type.Name}.{name} is nullable exactly when {at}.{field} may be null");
                var propertyType = Nullable.GetUnderlyingType(property!.PropertyType) ?? property.PropertyType;
                if (spec["properties"] is not null)
                {
                    Walk(spec, propertyType, $"{at}.{field}", false);
                }
                else if (top && follow is not null && follow.Contains(field))
                {
                    var reference = spec["oneOf"] is JsonArray refs
                        ? refs.Select(o => (string?)o!["$ref"]).Single(r => r is not null)
                        : null;
                    Assert.True(reference is not null, $"{at}.{field} refers to a schema");
                    var target = reference!.Split('/')[^1];
                    Walk(schemas[target]!, propertyType, target, false);
                }
                else if (spec["items"]?["properties"] is not null && propertyType.IsGenericType)
                {
                    Walk(spec["items"]!, propertyType.GetGenericArguments()[0], $"{at}.{field}[]", false);
                }
            }
        }

        Walk(schema, record, where, true);
    }
}
