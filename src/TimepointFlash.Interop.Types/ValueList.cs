using System.Collections;
using System.Collections.Generic;
using System.Linq;

using System;

namespace TimepointFlash.Interop;

/// <summary>A read-only list that compares by its items, so records holding lists have value equality.</summary>
/// <typeparam name="T">The item type.</typeparam>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty { get; } = new(Array.Empty<T>());

    /// <summary>Creates a list holding a copy of the items.</summary>
    /// <param name="items">The items, in order.</param>
    public ValueList(IEnumerable<T> items) => _items = items.ToArray();

    /// <summary>The item at an index.</summary>
    /// <param name="index">From 0.</param>
    /// <returns>The item.</returns>
    public T this[int index] => _items[index];

    /// <summary>How many items there are.</summary>
    public int Count => _items.Length;

    /// <summary>Enumerates the items in order.</summary>
    /// <returns>The enumerator.</returns>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <summary>True when the other list holds equal items in the same order.</summary>
    /// <param name="other">The other list.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(ValueList<T>? other) => other is not null && _items.SequenceEqual(other._items);

    /// <summary>True when the other object is an equal list.</summary>
    /// <param name="obj">The other object.</param>
    /// <returns>Whether they are equal.</returns>
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <summary>A hash of the items.</summary>
    /// <returns>The hash.</returns>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>The items, comma-separated in brackets.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
