using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Spheres.Tests.Architecture;

/// <summary>
/// Which Core feature uses which, read from the compiled assembly's IL (as NetArchTest does): every type a feature's types
/// name in a base type, interface, field, property, attribute, signature, local, or instruction operand (calls, field
/// reads, casts, generic arguments). A node is a feature namespace (<c>Spheres.Core.Messaging</c>; its sub-namespaces fold
/// into it), except under <c>Spheres.Core.Providers</c>, where each provider module is a node of its own and the shared
/// contracts are <c>Providers</c>. The composition root (<c>Spheres.Core</c> itself) names everything and is no node.
/// </summary>
public sealed class CoreDependencyGraph
{
    public const string ProvidersRoot = "Providers";

    /// <summary>For each edge (from, to), the types of <c>from</c> that made it, for the failure message.</summary>
    public IReadOnlyDictionary<(string From, string To), IReadOnlySet<string>> Edges { get; }

    public IReadOnlyCollection<string> Nodes { get; }

    private CoreDependencyGraph(Dictionary<(string, string), HashSet<string>> edges, HashSet<string> nodes)
    {
        Edges = edges.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value);
        Nodes = nodes;
    }

    public static CoreDependencyGraph Of(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new Dictionary<(string, string), HashSet<string>>();
        var nodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            if (NodeOf(type) is not { } from) continue;
            nodes.Add(from);
            var via = Outermost(type).Name;
            void Add(TypeReference? used)
            {
                foreach (var reference in Expand(used))
                {
                    if (NodeOf(reference) is { } to && to != from)
                    {
                        if (!edges.TryGetValue((from, to), out var types)) edges[(from, to)] = types = new HashSet<string>(StringComparer.Ordinal);
                        types.Add(via);
                    }
                }
            }
            foreach (var used in TypesUsedBy(type)) Add(used);
        }
        return new CoreDependencyGraph(edges, nodes);
    }

    /// <summary>The full names of Core's (outermost) types that use a type whose full name is <paramref name="fullName"/>.</summary>
    public static IReadOnlySet<string> TypesUsing(string assemblyPath, string fullName)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        return module.GetTypes()
            .Where(type => TypesUsedBy(type).SelectMany(Expand).Any(used => used.FullName == fullName))
            .Select(type => Outermost(type).FullName)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The nodes <paramref name="from"/> uses.</summary>
    public IEnumerable<string> UsedBy(string from) => Edges.Keys.Where(e => e.From == from).Select(e => e.To);

    /// <summary>The groups of nodes that reach each other (strongly connected components of two or more), each a circle of dependencies.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Circles() => StronglyConnected(Nodes, UsedBy);

    /// <summary>Tarjan's algorithm over any graph; only components of two or more nodes are returned.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> StronglyConnected(IEnumerable<string> nodes, Func<string, IEnumerable<string>> next)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<IReadOnlyList<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var successor in next(node))
            {
                if (!index.ContainsKey(successor))
                {
                    Visit(successor);
                    low[node] = Math.Min(low[node], low[successor]);
                }
                else if (onStack.Contains(successor))
                {
                    low[node] = Math.Min(low[node], index[successor]);
                }
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1) components.Add(component.Order(StringComparer.Ordinal).ToList());
        }
        foreach (var node in nodes.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node)) Visit(node);
        }
        return components;
    }

    /// <summary><c>Messaging</c> for <c>Spheres.Core.Messaging.X</c>, <c>Providers.Meta</c> for a module, <c>Providers</c> for the shared contracts; null outside Core's features.</summary>
    public static string? NodeOf(TypeReference type)
    {
        var parts = Outermost(type).Namespace.Split('.');
        if (parts.Length < 3 || parts[0] != "Spheres" || parts[1] != "Core") return null;
        return parts[2] == ProvidersRoot && parts.Length > 3 ? $"{ProvidersRoot}.{parts[3]}" : parts[2];
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    /// <summary>A reference and what it is built of: the element of an array, pointer or by-ref, a generic's arguments.</summary>
    private static IEnumerable<TypeReference> Expand(TypeReference? type)
    {
        if (type is null) yield break;
        if (type is GenericInstanceType generic)
        {
            foreach (var argument in generic.GenericArguments.SelectMany(Expand)) yield return argument;
        }
        if (type is TypeSpecification specification)
        {
            foreach (var element in Expand(specification.ElementType)) yield return element;
            yield break;
        }
        yield return type;
    }

    private static IEnumerable<TypeReference?> TypesUsedBy(TypeDefinition type)
    {
        yield return type.BaseType;
        foreach (var implemented in type.Interfaces) yield return implemented.InterfaceType;
        foreach (var attribute in type.CustomAttributes) yield return attribute.AttributeType;
        foreach (var field in type.Fields) yield return field.FieldType;
        foreach (var property in type.Properties) yield return property.PropertyType;
        foreach (var method in type.Methods)
        {
            yield return method.ReturnType;
            foreach (var parameter in method.Parameters) yield return parameter.ParameterType;
            foreach (var attribute in method.CustomAttributes) yield return attribute.AttributeType;
            if (!method.HasBody) continue;
            foreach (var local in method.Body.Variables) yield return local.VariableType;
            foreach (var instruction in method.Body.Instructions)
            {
                foreach (var used in OperandTypes(instruction)) yield return used;
            }
        }
    }

    private static IEnumerable<TypeReference?> OperandTypes(Instruction instruction)
    {
        switch (instruction.Operand)
        {
            case TypeReference type:
                yield return type;
                break;
            case MethodReference method:
                yield return method.DeclaringType;
                yield return method.ReturnType;
                foreach (var parameter in method.Parameters) yield return parameter.ParameterType;
                if (method is GenericInstanceMethod generic)
                {
                    foreach (var argument in generic.GenericArguments) yield return argument;
                }
                break;
            case FieldReference field:
                yield return field.DeclaringType;
                yield return field.FieldType;
                break;
        }
    }
}
