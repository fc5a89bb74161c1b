namespace TimepointFlash

open System.Collections.Frozen
open System.Collections.Generic

/// The one table of Latin letters with diacritics and ligatures and their plain forms. A table, not Unicode
/// normalisation: the service runs with invariant globalization, where String.Normalize leaves precomposed
/// letters alone. Slugs, place names, the anachronism lexicon and the offline engine all fold through it.
[<RequireQualifiedAccess>]
module LatinFold =
    /// Each letter (upper and lower case) and its plain lower-case form ("é" → "e", "ß" → "ss", "Æ" → "ae").
    let table: IReadOnlyDictionary<char, string> =
        [
            "ÀÁÂÃÄÅàáâãäåĀāĂăĄąǍǎ", "a"
            "ÇçĆćĈĉĊċČč", "c"
            "ĎďĐđÐð", "d"
            "ÈÉÊËèéêëĒēĔĕĖėĘęĚě", "e"
            "ĜĝĞğĠġĢģ", "g"
            "ĤĥĦħ", "h"
            "ÌÍÎÏìíîïĨĩĪīĬĭĮįİıǏǐ", "i"
            "Ĵĵ", "j"
            "Ķķĸ", "k"
            "ĹĺĻļĽľĿŀŁł", "l"
            "ÑñŃńŅņŇňŉŊŋ", "n"
            "ÒÓÔÕÖØòóôõöøŌōŎŏŐőƠơǑǒ", "o"
            "ŔŕŖŗŘř", "r"
            "ŚśŜŝŞşŠšſȘș", "s"
            "ŢţŤťŦŧȚț", "t"
            "ÙÚÛÜùúûüŨũŪūŬŭŮůŰűŲųƯưǓǔ", "u"
            "Ŵŵ", "w"
            "ÝýÿŶŷŸ", "y"
            "ŹźŻżŽž", "z"
            "ß", "ss"
            "Ææ", "ae"
            "Œœ", "oe"
            "Þþ", "th"
        ]
        |> List.collect (fun (letters: string, plain) -> [ for c in letters -> KeyValuePair(c, plain) ])
        |> fun pairs -> FrozenDictionary.ToFrozenDictionary(pairs) :> IReadOnlyDictionary<char, string>
