using System.Reflection;
using System.Runtime.CompilerServices;

namespace InteropTests.Support;

/// <summary>
/// Finds everything in a public surface that a C# caller should not meet: F# library types (FSharpOption,
/// FSharpList, FSharpFunc, FSharpResult, FSharpChoice, FSharpAsync, Unit, …), tuples, F# records, unions and
/// modules, curried members, and types from the F# projects behind the facade.
/// </summary>
public static class SurfaceScanner
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every violation in the exported types of an assembly.</summary>
    public static IReadOnlyList<string> Scan(Assembly assembly, params Assembly[] allowed) =>
        assembly.GetExportedTypes().SelectMany(t => ScanType(t, allowed.Append(assembly).ToArray())).ToList();

    /// <summary>Every violation in one public type: itself, its bases, and its public members.</summary>
    public static IEnumerable<string> ScanType(Type type, Assembly[] allowed)
    {
        var where = type.FullName ?? type.Name;
        var found = new List<string>();

        void Check(Type? t, string place)
        {
            if (t is null) return;
            foreach (var problem in Problems(t, allowed))
            {
                found.Add($"{place}: {problem}");
            }
        }

        found.AddRange(FSharpShape(type).Select(p => $"{where}: {p}"));
        Check(type.BaseType, $"{where} base type");
        foreach (var i in type.GetInterfaces()) Check(i, $"{where} interface");
        foreach (var g in type.GetGenericArguments())
        {
            foreach (var c in g.GetGenericParameterConstraints()) Check(c, $"{where} constraint");
        }

        foreach (var c in type.GetConstructors(Declared))
        {
            foreach (var p in c.GetParameters()) Check(p.ParameterType, $"{where}..ctor({p.Name})");
        }

        // Property and event accessors are checked through their properties and events.
        foreach (var m in type.GetMethods(Declared).Where(m => !m.IsSpecialName))
        {
            var name = $"{where}.{m.Name}";
            if (m.GetCustomAttributes().Any(a => a.GetType().Name == "CompilationArgumentCountsAttribute"))
            {
                found.Add($"{name}: curried method");
            }

            Check(m.ReturnType, $"{name} return type");
            foreach (var p in m.GetParameters()) Check(p.ParameterType, $"{name}({p.Name})");
            foreach (var g in m.GetGenericArguments())
            {
                foreach (var c in g.GetGenericParameterConstraints()) Check(c, $"{name} constraint");
            }
        }

        foreach (var p in type.GetProperties(Declared))
        {
            Check(p.PropertyType, $"{where}.{p.Name}");
            foreach (var i in p.GetIndexParameters()) Check(i.ParameterType, $"{where}.{p.Name}[{i.Name}]");
        }

        foreach (var f in type.GetFields(Declared)) Check(f.FieldType, $"{where}.{f.Name}");
        foreach (var e in type.GetEvents(Declared)) Check(e.EventHandlerType, $"{where}.{e.Name}");
        return found;
    }

    /// <summary>Why a type may not appear in the surface, looking inside arrays, by-refs and generic arguments.</summary>
    public static IEnumerable<string> Problems(Type type, Assembly[] allowed)
    {
        if (type.HasElementType)
        {
            foreach (var p in Problems(type.GetElementType()!, allowed)) yield return p;
            yield break;
        }

        if (type.IsGenericParameter) yield break;

        var name = $"{type.Namespace}.{type.Name}";
        var assembly = type.Assembly;

        var fsharpLibrary = (type.Namespace ?? "").StartsWith("Microsoft.FSharp", StringComparison.Ordinal)
            || assembly.GetName().Name == "FSharp.Core";
        if (fsharpLibrary) yield return $"F# library type {name}";

        if (IsTuple(type)) yield return $"tuple {name}";

        if (!fsharpLibrary && !IsFramework(assembly) && !allowed.Contains(assembly))
        {
            yield return $"{name} comes from {assembly.GetName().Name}, behind the facade";
        }

        if (!fsharpLibrary)
        {
            foreach (var p in FSharpShape(type)) yield return $"{name}: {p}";
        }

        if (type.IsGenericType)
        {
            foreach (var arg in type.GetGenericArguments())
            {
                foreach (var p in Problems(arg, allowed)) yield return p;
            }
        }
    }

    private static bool IsTuple(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition().FullName is { } n
        && (n.StartsWith("System.Tuple`", StringComparison.Ordinal)
            || n.StartsWith("System.ValueTuple`", StringComparison.Ordinal));

    private static bool IsFramework(Assembly assembly)
    {
        var n = assembly.GetName().Name ?? "";
        return n is "System.Private.CoreLib" or "netstandard" or "mscorlib"
            || n.StartsWith("System.", StringComparison.Ordinal)
            || n.StartsWith("Microsoft.Extensions.AI", StringComparison.Ordinal);
    }

    /// <summary>F# records, unions, modules and exception declarations, recognised by their F# mapping attribute.</summary>
    private static IEnumerable<string> FSharpShape(Type type)
    {
        var mapping = type.GetCustomAttributes(inherit: false)
            .FirstOrDefault(a => a.GetType().Name == "CompilationMappingAttribute");
        if (mapping is null) yield break;
        var flags = mapping.GetType().GetProperty("SourceConstructFlags")!.GetValue(mapping)!.ToString()!;
        if (flags.Contains("SumType")) yield return "F# union";
        if (flags.Contains("RecordType")) yield return "F# record";
        if (flags.Contains("Module")) yield return "F# module";
        if (flags.Contains("Exception")) yield return "F# exception declaration";
    }
}
