using System.Reflection;
using System.Xml.Linq;
using Microsoft.FSharp.Core;
using TimepointFlash.Interop;
using InteropTests.Support;

namespace InteropTests;

public sealed class PublicSurfaceTests
{
    private static readonly Assembly Facade = typeof(TimepointEngine).Assembly;

    /// <summary>The facade's C# record types (a C# assembly, so they are true records).</summary>
    private static readonly Assembly Records = typeof(Timepoint).Assembly;

    [Fact]
    public void The_facade_exposes_no_FSharp_types_tuples_or_types_from_behind_it()
    {
        var violations = SurfaceScanner.Scan(Facade, Records).Concat(SurfaceScanner.Scan(Records)).ToList();

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void The_facade_exports_the_documented_types_and_nothing_else()
    {
        var exported = Facade.GetExportedTypes().Concat(Records.GetExportedTypes())
            .Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(
            new[]
            {
                "CalendarDateInfo", "CalendarSystem", "CalendarsInfo", "CameraInfo", "CastMember", "CharacterInfo", "CharacterNotFoundException", "ChatFormat",
                "ChatMessage", "ChatReply", "ChatSession", "ChatSessionMismatchException",
                "ChatSessionNotFoundException", "ChatSessionSummary", "DialogExtension", "DialogLineInfo",
                "EvalComparison", "EvalLatencyStats", "EvalModel", "EvalModelSet", "EvalModels", "EvalReport",
                "EvalResult", "EvalSceneInfo", "EvalStatus", "EvalTokens", "ExportFormat", "FactionInfo", "GenerateOptions", "GenerationFailedException", "GroundingInfo",
                "GroundingMode", "GroundingSourceInfo", "GroundingState", "GroundingStatusInfo", "ModelInfo",
                "MomentInfo", "ProviderException", "ProviderFailureKind", "RelationshipInfo", "ReviewIssueInfo",
                "SequenceDirection", "StepProgress", "StepState", "StorageUnavailableException", "SurveyAnswer",
                "SurveyResult", "TimeTravelException", "Timepoint", "TimepointConfigurationException",
                "TimepointEngine", "TimepointEngineOptions", "TimepointFlashException", "TimepointImage",
                "TimepointNotCompletedException", "TimepointNotFoundException", "TimepointPage",
                "TimepointRejectedException", "TimepointSequence", "TimepointStatus", "TimepointStorageException",
                "TravelUnit", "ValueList`1",
            },
            exported);
    }

    [Fact]
    public void The_scanner_finds_FSharp_types_wherever_they_hide()
    {
        var allowed = new[] { typeof(LeakySurface).Assembly };

        var violations = SurfaceScanner.ScanType(typeof(LeakySurface), allowed).ToList();

        string[] expected =
        [
            "LeakySurface.Maybe: F# library type Microsoft.FSharp.Core.FSharpOption`1",
            "LeakySurface.Items: F# library type Microsoft.FSharp.Collections.FSharpList`1",
            "LeakySurface.Apply(f): F# library type Microsoft.FSharp.Core.FSharpFunc`2",
            "LeakySurface.Parse return type: F# library type Microsoft.FSharp.Core.FSharpResult`2",
            "LeakySurface.Later return type: F# library type Microsoft.FSharp.Core.FSharpChoice`2",
            "LeakySurface.Run(work): F# library type Microsoft.FSharp.Control.FSharpAsync`1",
            "LeakySurface.Nothing return type: F# library type Microsoft.FSharp.Core.Unit",
            "LeakySurface.Pair: tuple System.ValueTuple`2",
            "LeakySurface.Nested: F# library type Microsoft.FSharp.Core.FSharpOption`1",
            "LeakySurface..ctor(value): F# library type Microsoft.FSharp.Core.FSharpOption`1",
        ];
        foreach (var e in expected)
        {
            Assert.Contains(violations, v => v.Contains(e, StringComparison.Ordinal));
        }

        Assert.Equal(expected.Length, violations.Count);

        Assert.Empty(SurfaceScanner.ScanType(typeof(CleanSurface), allowed));
    }

    [Fact]
    public void The_scanner_refuses_types_from_the_projects_behind_the_facade()
    {
        var problems = SurfaceScanner.Problems(typeof(Task<>).MakeGenericType(RuntimeTimepoint()), [Facade]).ToList();

        Assert.Contains(problems, p => p.Contains("behind the facade"));
        Assert.Contains(problems, p => p.Contains("F# record"));
    }

    [Fact]
    public void Nullable_annotations_tell_CSharp_which_values_may_be_missing()
    {
        var context = new NullabilityInfoContext();
        NullabilityState Property(Type type, string name) => context.Create(type.GetProperty(name)!).ReadState;
        NullabilityState Parameter(string method, string name) =>
            context.Create(typeof(TimepointEngine).GetMethod(method)!.GetParameters().Single(p => p.Name == name)).WriteState;

        Assert.Equal(NullabilityState.NotNull, Property(typeof(Timepoint), nameof(Timepoint.Query)));
        Assert.Equal(NullabilityState.NotNull, Property(typeof(Timepoint), nameof(Timepoint.Characters)));
        Assert.Equal(NullabilityState.Nullable, Property(typeof(Timepoint), nameof(Timepoint.Location)));
        Assert.Equal(NullabilityState.Nullable, Property(typeof(Timepoint), nameof(Timepoint.SuggestedQuery)));
        Assert.Equal(NullabilityState.Nullable, Property(typeof(CharacterInfo), nameof(CharacterInfo.Clothing)));
        Assert.Equal(NullabilityState.NotNull, Property(typeof(CharacterInfo), nameof(CharacterInfo.Name)));
        Assert.Equal(NullabilityState.Nullable, Property(typeof(StepProgress), nameof(StepProgress.Model)));
        Assert.Equal(NullabilityState.Nullable, Property(typeof(TimepointRejectedException), nameof(TimepointRejectedException.SuggestedQuery)));
        Assert.Equal(NullabilityState.Nullable, Property(typeof(TimepointEngineOptions), nameof(TimepointEngineOptions.DatabaseUrl)));
        Assert.Equal(NullabilityState.NotNull, Parameter(nameof(TimepointEngine.GenerateAsync), "query"));
        Assert.Equal(NullabilityState.Nullable, Parameter(nameof(TimepointEngine.GenerateAsync), "options"));
        Assert.Equal(NullabilityState.Nullable, Parameter(nameof(TimepointEngine.GenerateAsync), "progress"));
    }

    [Fact]
    public void Optional_parameters_and_cancellation_tokens_have_CSharp_defaults()
    {
        var generate = typeof(TimepointEngine).GetMethod(nameof(TimepointEngine.GenerateAsync))!.GetParameters();
        var list = typeof(TimepointEngine).GetMethod(nameof(TimepointEngine.ListAsync))!.GetParameters();

        Assert.False(generate[0].IsOptional);
        Assert.All(generate.Skip(1), p => Assert.True(p.IsOptional, p.Name));
        Assert.True(list[0].IsOptional && list[1].IsOptional, "status and search are optional");
        Assert.Equal(new object?[] { 1, 20 }, list.Skip(2).Take(2).Select(p => p.DefaultValue));
        var tokens = typeof(TimepointEngine).GetMethods()
            .SelectMany(m => m.GetParameters())
            .Where(p => p.ParameterType == typeof(CancellationToken))
            .ToList();
        Assert.NotEmpty(tokens);
        Assert.All(tokens, p => Assert.True(p.IsOptional && p.Name == "cancellationToken", $"{p.Member.Name}({p.Name})"));
    }

    [Fact]
    public void Every_public_type_and_member_has_an_xml_summary()
    {
        AssertDocumented(Facade);
        AssertDocumented(Records);
    }

    [Fact]
    public void Every_facade_constructor_and_method_documents_each_parameter_and_no_tag_is_escaped_into_text()
    {
        var members = XDocument.Load(Path.ChangeExtension(Facade.Location, ".xml")).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!);
        const BindingFlags declared =
            BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var problems = new List<string>();
        foreach (var type in Facade.GetExportedTypes())
        {
            var name = type.FullName!.Replace('+', '.');
            var methods = type.GetConstructors(declared).Cast<MethodBase>()
                .Concat(type.GetMethods(declared).Where(m => !m.IsSpecialName && !IsGenerated(m)))
                .Where(m => m.GetParameters().Length > 0);
            foreach (var method in methods)
            {
                var id = (method.IsConstructor ? $"M:{name}.#ctor" : $"M:{name}.{method.Name}") + "(";
                var candidates = members.Where(kv => kv.Key.StartsWith(id, StringComparison.Ordinal)
                    && kv.Key.Count(c => c == ',') == method.GetParameters().Length - 1).Select(kv => kv.Value).ToList();
                var documented = candidates.SelectMany(m => m.Elements("param"))
                    .Select(p => (string)p.Attribute("name")!).ToHashSet();
                foreach (var p in method.GetParameters().Where(p => !documented.Contains(p.Name!)))
                    problems.Add($"{id}…): no <param name=\"{p.Name}\">");
            }
        }

        foreach (var (id, member) in members)
            if (member.Value.Contains("<param", StringComparison.Ordinal) || member.Value.Contains("<exception", StringComparison.Ordinal))
                problems.Add($"{id}: an XML tag was escaped into text (an F# doc comment with tags must start with <summary>)");

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_records_are_CSharp_records_with_value_equality()
    {
        foreach (var type in new[] { typeof(Timepoint), typeof(CharacterInfo), typeof(StepProgress), typeof(TimepointPage) })
        {
            Assert.NotNull(type.GetMethod("<Clone>$"));
            Assert.NotNull(type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance));
        }

        var a = new CharacterInfo { Name = "Caesar", Role = "primary" };
        Assert.Equal(a, a with { });
        Assert.Equal(new TimepointPage { Items = new ValueList<Timepoint>([new Timepoint { Query = "q" }]) },
            new TimepointPage { Items = new ValueList<Timepoint>([new Timepoint { Query = "q" }]) });
    }

    private static void AssertDocumented(Assembly assembly)
    {
        var Facade = assembly;
        var xmlPath = Path.ChangeExtension(Facade.Location, ".xml");
        Assert.True(File.Exists(xmlPath), $"{xmlPath} is missing: GenerateDocumentationFile must stay on");
        var documented = XDocument.Load(xmlPath).Descendants("member")
            .Where(m => !string.IsNullOrWhiteSpace((string?)m.Element("summary")))
            .Select(m => (string)m.Attribute("name")!)
            .ToList();

        var missing = DocIds(Facade)
            .Where(id => !documented.Any(d => d == id || d.StartsWith(id + "(", StringComparison.Ordinal)))
            .ToList();

        Assert.True(missing.Count == 0, "No <summary> for:" + Environment.NewLine + string.Join(Environment.NewLine, missing));
    }

    /// <summary>Doc-comment ids (without parameter lists) of every public type and declared member.</summary>
    private static IEnumerable<string> DocIds(Assembly assembly)
    {
        const BindingFlags declared =
            BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes())
        {
            var name = type.FullName!.Replace('+', '.');
            yield return $"T:{name}";
            // A record's implicit constructor and its generated members (ToString, Equals, <Clone>$ …) have no
            // source to document.
            var isRecord = type.GetMethod("<Clone>$") is not null;
            foreach (var c in type.GetConstructors(declared).Where(c => !(isRecord && c.GetParameters().Length == 0)))
                yield return $"M:{name}.#ctor";
            foreach (var p in type.GetProperties(declared)) yield return $"P:{name}.{p.Name}";
            foreach (var f in type.GetFields(declared).Where(f => !f.IsSpecialName)) yield return $"F:{name}.{f.Name}";
            foreach (var m in type.GetMethods(declared).Where(m => !m.IsSpecialName && !IsGenerated(m)))
                yield return $"M:{name}.{m.Name}";
        }
    }

    private static bool IsGenerated(MemberInfo m) =>
        m.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null;

    /// <summary>The F# record behind the facade's Timepoint class.</summary>
    private static Type RuntimeTimepoint() =>
        Assembly.Load("TimepointFlash.Core").GetType("TimepointFlash.Timepoint", throwOnError: true)!;

    /// <summary>A surface that leaks every kind of F# type; the scanner must report each one.</summary>
    public sealed class LeakySurface(FSharpOption<int> value)
    {
        public FSharpOption<string>? Maybe => null;
        public Microsoft.FSharp.Collections.FSharpList<int>? Items => null;
        public (int, string) Pair => (value.Value, "");
        public Task<FSharpOption<int>[]>? Nested => null;
        public int Apply(FSharpFunc<int, int> f) => f.Invoke(1);
        public FSharpResult<int, string> Parse() => FSharpResult<int, string>.NewOk(1);
        public FSharpChoice<int, string> Later() => FSharpChoice<int, string>.NewChoice1Of2(1);
        public void Run(Microsoft.FSharp.Control.FSharpAsync<int> work) { }
        public Unit? Nothing() => null;
    }

    /// <summary>A surface a C# caller is happy with.</summary>
    public sealed class CleanSurface(string name)
    {
        public string Name => name;
        public int? Count => null;
        public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<string>>([name]);
        public IAsyncEnumerable<string>? Stream => null;
    }
}
