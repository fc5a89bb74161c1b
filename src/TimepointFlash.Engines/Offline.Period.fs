namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// Fits text to a year with the anachronism checker: profile details, carried-over text and curated figures.
[<RequireQualifiedAccess>]
module Period =
    /// The items that name nothing out of their time in this year.
    let keep (year: int) (items: string list) =
        items |> List.filter (Anachronisms.isClean year)

    let private splitKeep (year: int) (separator: string) (text: string) =
        text.Split(separator)
        |> Array.filter (fun part -> part.Trim() <> "" && Anachronisms.isClean year part)
        |> String.concat separator

    /// The text with every sentence, then every comma-separated part, that names something out of its time
    /// removed; None when nothing is left.
    let clean (year: int) (text: string) : string option =
        if Anachronisms.isClean year text then
            Some text
        else
            text.Split ". "
            |> Array.map (fun sentence -> splitKeep year ", " sentence)
            |> Array.filter (fun s -> s.Trim() <> "")
            |> String.concat ". "
            |> String.nonBlank

    /// A profile with only the details that fit the year (a single text falls back to a neutral phrase).
    let fit (year: int) (p: Profile) : Profile =
        let one (fallback: string) (text: string) =
            clean year text |> Option.defaultValue fallback

        {
            p with
                Backdrop = one "Daily life goes on in its own time and place." p.Backdrop
                DefaultPlace = one "A gathering place" p.DefaultPlace
                Dress = keep year p.Dress
                Architecture = one "buildings of the place and period" p.Architecture
                Light = one "daylight" p.Light
                Objects = keep year p.Objects
                Furniture = keep year p.Furniture
                Palette = keep year p.Palette
                Sounds = keep year p.Sounds
                Smells = keep year p.Smells
                Bystanders = keep year p.Bystanders
                Sayings = keep year p.Sayings
        }

    let private orList (mine: string list) (theirs: string list) = if mine.IsEmpty then theirs else mine

    /// A profile with a curated moment's scenery laid over it.
    let overlay (s: Scenery) (p: Profile) : Profile = {
        p with
            Architecture = s.Architecture |> Option.defaultValue p.Architecture
            Light = s.Light |> Option.defaultValue p.Light
            Furniture = orList s.Furniture p.Furniture
            Palette = orList s.Palette p.Palette
            Hues = orList s.Hues p.Hues
            Sounds = orList s.Sounds p.Sounds
            Smells = orList s.Smells p.Smells
            Dress = orList s.Dress p.Dress
    }

    let private figures =
        lazy
            ((Knowledge.embedded ()).Moments
             |> List.collect (fun m ->
                 m.Participants
                 |> List.filter (fun p -> not p.Anonymous)
                 |> List.map (fun p -> p, m))
             |> List.groupBy (fun (p, _) -> p.Name.ToLowerInvariant())
             |> List.map (fun (name, xs) -> name, List.head xs)
             |> Map.ofList)

    /// The curated participant with this name and the moment they belong to.
    let figure (name: string) : (Participant * KnownMoment) option =
        figures.Force() |> Map.tryFind (name.Trim().ToLowerInvariant())

    /// Why a curated figure cannot appear in a year (and, for a later scene, whether they died at the moment),
    /// else None. Unknown people are never ruled out.
    let absence (year: int) (later: bool) (name: string) : string option =
        match figure name with
        | None -> None
        | Some(p, m) ->
            match Knowledge.born m p, p.Died with
            | Some b, _ when year < b -> Some $"{p.Name} was not yet born (born about {Years.display b})"
            | _, Some d when year > d -> Some $"{p.Name} died in {Years.display d}"
            | _ when p.DiesHere && later && year >= m.Year ->
                Some $"{p.Name} died at {m.Title} ({Years.display m.Year})"
            | _ -> None
