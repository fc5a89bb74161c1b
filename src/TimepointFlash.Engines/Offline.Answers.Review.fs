namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline critique: checks a scene against what the engine knows, deterministically. It flags dialog spoken
/// by someone not in the cast, curated figures placed before their birth or long after it, and objects from a
/// later era's profile mentioned in the dialog; the anachronism checker's findings are added as every critique adds
/// them (CritiqueFindings). Its own curated moments pass without critical issues.
[<RequireQualifiedAccess>]
module ReviewAnswer =
    /// Oldest plausible age of a figure at a scene.
    let maxAge = 100

    /// Birth years of the named figures of the curated moments (moment year − age there).
    let private births =
        lazy
            (Knowledge.embedded().Moments
             |> List.collect (fun m ->
                 m.Participants
                 |> List.filter (fun p -> not p.Anonymous)
                 |> List.choose (fun p -> p.Age |> Option.map (fun a -> Text.normalise p.Name, m.Year - a)))
             |> List.groupBy fst
             |> List.map (fun (name, ys) -> name, ys |> List.map snd |> List.min)
             |> Map.ofList)

    /// Objects of each era's profiles that no earlier or equal era's profile has, with the era they belong to.
    let private laterObjects =
        lazy
            (let k = Knowledge.embedded ()

             let objectsOf era =
                 k.Profiles
                 |> List.filter (fun p -> p.Era = era)
                 |> List.collect (fun p -> p.Objects @ p.Furniture)
                 |> List.map Text.normalise
                 |> Set.ofList

             Years.eras
             |> List.mapi (fun i era ->
                 let earlier = Years.eras |> List.take i |> List.map objectsOf |> Set.unionMany
                 i, Set.difference (objectsOf era) earlier)
             |> Map.ofList)

    let private issue severity category field quote description = {
        Severity = severity
        Category = category
        Field = field
        Quote = quote
        Description = description
    }

    let private missingSpeakers (input: CritiqueInput) =
        let cast =
            input.Characters.Characters
            |> List.map (fun c -> Text.normalise c.Name)
            |> Set.ofList

        input.Dialog.Lines
        |> List.mapi (fun i l -> i, l)
        |> List.filter (fun (_, l) -> not (cast.Contains(Text.normalise l.Speaker)))
        |> List.map (fun (i, l) ->
            issue
                Severity.Critical
                IssueCategory.Fact
                $"dialog[{i}]"
                (Some l.Text)
                $"{l.Speaker} speaks but is not among the characters present.")

    let private outOfLifetime (input: CritiqueInput) =
        let year = input.Timeline.Year

        input.Characters.Characters
        |> List.mapi (fun i c -> i, c)
        |> List.choose (fun (i, c) ->
            births.Value
            |> Map.tryFind (Text.normalise c.Name)
            |> Option.bind (fun born ->
                if year < born then
                    Some $"{c.Name} was not born until about {TemporalFormat.yearLabel born}."
                elif year > born + maxAge then
                    Some
                        $"{c.Name}, born about {TemporalFormat.yearLabel born}, would be long dead by {TemporalFormat.yearLabel year}."
                else
                    None)
            |> Option.map (fun why -> issue Severity.Critical IssueCategory.Fact $"characters[{i}]" (Some c.Name) why))

    let private laterWords (input: CritiqueInput) =
        let sceneEra =
            Years.eras
            |> List.tryFindIndex ((=) (Years.era input.Timeline.Year))
            |> Option.defaultValue 0

        let later =
            laterObjects.Value
            |> Map.toList
            |> List.filter (fun (i, _) -> i > sceneEra)
            |> List.collect (fun (i, words) -> words |> Set.toList |> List.map (fun w -> w, Years.eras[i]))

        input.Dialog.Lines
        |> List.mapi (fun i l -> i, l)
        |> List.collect (fun (i, l) ->
            let text = " " + Text.normalise l.Text + " "

            later
            |> List.filter (fun (w, _) -> text.Contains(" " + w + " "))
            |> List.map (fun (w, era) ->
                issue
                    Severity.Major
                    IssueCategory.Anachronism
                    $"dialog[{i}]"
                    (Some l.Text)
                    $"\"{w}\" belongs to the {era}, later than this scene."))

    /// The review of a scene.
    let answer (input: CritiqueInput) : CritiqueData =
        let issues = missingSpeakers input @ outOfLifetime input @ laterWords input
        let critical = issues |> List.filter (fun i -> i.Severity = Severity.Critical)

        {
            Issues = issues
            HasCritical = not critical.IsEmpty
            RevisionInstructions =
                if critical.IsEmpty then
                    None
                else
                    critical
                    |> List.map (fun i -> $"{i.Field}: {i.Description}")
                    |> String.concat " "
                    |> Some
            Revised = false
        }
        |> CritiqueFindings.apply input.Findings
