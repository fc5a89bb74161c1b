namespace TimepointFlash.Engines.Offline

open System.Text.RegularExpressions
open TimepointFlash

/// The offline cast: curated participants, carried-over characters, detected figures and period people.
[<RequireQualifiedAccess>]
module CastAnswer =
    let private positions = [
        "centre"
        "left of centre"
        "right of centre"
        "left foreground"
        "right foreground"
    ]

    let private position (role: CharacterRole) (i: int) =
        match role with
        | CharacterRole.Primary -> if i = 0 then "centre" else "right of centre"
        | CharacterRole.Secondary -> positions[(i + 1) % positions.Length]
        | CharacterRole.Background -> if i % 2 = 0 then "rear left" else "rear right"

    let private expression (tension: string) (role: CharacterRole) =
        match tension, role with
        | "climactic", CharacterRole.Primary -> "fierce concentration"
        | "climactic", _ -> "alarm"
        | "high", CharacterRole.Primary -> "grave and intent"
        | "high", _ -> "wary"
        | "low", _ -> "calm interest"
        | _, CharacterRole.Background -> "mild curiosity"
        | _ -> "attentive"

    let private pose (role: CharacterRole) =
        match role with
        | CharacterRole.Primary -> "upright, at the centre of attention"
        | CharacterRole.Secondary -> "turned toward the principal figure"
        | CharacterRole.Background -> "half-turned, watching from the edge"

    /// A curated participant as a scene character.
    let ofParticipant (m: KnownMoment) (yearsLater: int) (i: int) (p: Participant) : Character = {
        Name = p.Name
        Role = p.Role
        Description = p.Description
        Clothing = Some p.Clothing
        Expression = Some(expression m.Tension p.Role)
        Pose = Some(pose p.Role)
        Action = Some p.Action
        PositionInScene = Some(position p.Role i)
        AgeDescription = p.Age |> Option.map (fun a -> $"about {a + yearsLater} years old")
        HistoricalNote =
            Some(
                [
                    Some $"Present at {m.Title} ({Years.display m.Year})"
                    p.Faction |> Option.map (sprintf "faction: %s")
                ]
                |> List.choose id
                |> String.concat "; "
            )
        SpeaksInScene = p.Speaks
        Voice = Voice.empty
    }

    let private ageNumber = Regex(@"\d+", RegexOptions.CultureInvariant)

    /// Ages a carried-over character by the years that passed (negative = younger).
    let age (years: int) (c: Character) =
        if years = 0 then
            c
        else
            let described =
                match c.AgeDescription with
                | Some d when ageNumber.IsMatch d ->
                    Some(ageNumber.Replace(d, (fun m -> string (max 0 (int m.Value + years))), 1))
                | Some d when years > 0 -> Some $"{d}, {years} years older"
                | Some d -> Some $"{d}, {-years} years younger"
                | None when years > 0 -> Some $"{years} years older than before"
                | None -> Some $"{-years} years younger than before"

            { c with AgeDescription = described }

    let private invented (f: Frame) (taken: Set<string>) (count: int) (firstRole: CharacterRole) : Character list =
        let p = f.Profile

        let names =
            p.Names |> List.filter (fun n -> not (taken.Contains(n.ToLowerInvariant())))

        let start = int (f.Seed % 997u)

        let roleAt i =
            match i with
            | 0 -> firstRole
            | 1
            | 2 -> CharacterRole.Secondary
            | _ -> CharacterRole.Background

        [ 0 .. (min count names.Length) - 1 ]
        |> List.map (fun i ->
            let name = names[(start + i) % names.Length]
            let role = roleAt i
            let job = Kit.jobOf f i
            let years = 20 + int ((f.Seed >>> (i % 16)) % 45u)
            let dress = Text.pickOr "plain clothes of the period" f.Seed (20 + i) p.Dress

            {
                Name = name
                Role = role
                Description =
                    $"{Text.article job} of {Text.town f.Location}, {f.Era.ToLowerInvariant()} in manner and speech"
                Clothing = Some dress
                Expression = Some(expression "medium" role)
                Pose = Some(pose role)
                Action =
                    Some(
                        match role with
                        | CharacterRole.Primary ->
                            "stops short in the middle of the day's work, taking in what is happening"
                        | CharacterRole.Secondary -> "leans in to trade the latest news in a low voice"
                        | CharacterRole.Background -> "goes about their business, glancing over now and then"
                    )
                PositionInScene = Some(position role i)
                AgeDescription = Some $"about {years} years old"
                HistoricalNote =
                    Some $"An invented but typical {job} for {Text.town f.Location} in {Years.display f.Year}"
                SpeaksInScene = role <> CharacterRole.Background
                Voice = Voice.empty
            })

    /// A carried-over character with any detail that names something out of its time removed.
    let private fitCharacter (year: int) (c: Character) = {
        c with
            Description =
                Period.clean year c.Description
                |> Option.defaultValue "a figure from the earlier scene"
            Clothing = c.Clothing |> Option.bind (Period.clean year)
            Action =
                c.Action
                |> Option.bind (Period.clean year)
                |> Option.orElse (Some "takes in what has changed")
            HistoricalNote = c.HistoricalNote |> Option.bind (Period.clean year)
    }

    let private ofFigure (f: Frame) (i: int) ((p, m): Participant * KnownMoment) =
        let years = Kit.yearsBetween m.Year f.Year

        {
            ofParticipant m years i p with
                Role =
                    (if i < 2 then
                         CharacterRole.Primary
                     else
                         CharacterRole.Secondary)
                Action = Some "stands at the centre of events, recognised by everyone present"
                SpeaksInScene = true
                HistoricalNote = Some $"{p.Name}, best known here from {m.Title} ({Years.display m.Year})"
        }

    let private ofJudgeName (name: string) : Character = {
        Name = name
        Role = CharacterRole.Primary
        Description = "a figure named in the request"
        Clothing = None
        Expression = Some "composed"
        Pose = Some(pose CharacterRole.Primary)
        Action = Some "stands at the heart of the scene"
        PositionInScene = Some "centre"
        AgeDescription = None
        HistoricalNote = None
        SpeaksInScene = true
        Voice = Voice.empty
    }

    /// Birth and death years by name: curated for a moment's participants and known figures, else the scene's year
    /// less a stated age.
    let private yearsOf (year: int) (curated: (Participant * KnownMoment) list) (cast: Character list) (name: string) =
        match curated |> List.tryFind (fun (p, _) -> p.Name = name) with
        | Some(p, m) when not p.Anonymous -> Knowledge.born m p, p.Died
        | Some(p, m) -> Knowledge.born m p, None
        | None ->
            let age =
                cast
                |> List.tryFind (fun c -> c.Name = name)
                |> Option.bind (fun c -> c.AgeDescription)
                |> Option.bind (fun d ->
                    let m = ageNumber.Match d
                    if m.Success then Some(int m.Value) else None)

            age |> Option.map (fun a -> year - a), None

    let private data (f: Frame) tension curated characters focal dynamics note =
        let cast = CharacterData.trim characters

        let voiced =
            VoiceAnswer.give f.Year f.Era tension (yearsOf f.Year curated cast) cast

        {
            // A carried-over character keeps the voice it already had.
            Characters = List.map2 (fun (c: Character) v -> if c.Voice = Voice.empty then v else c) cast voiced
            FocalCharacter = focal
            GroupDynamics = Some dynamics
            HistoricalAccuracyNote = Some note
        }

    /// Casts the scene (1–8 people).
    let answer
        (query: string)
        (judge: JudgeResult)
        (timeline: TimelineData)
        (scene: SceneData)
        (anchor: Anchor option)
        : CharacterData =
        let f = Kit.frame query timeline

        let carried =
            anchor
            |> Option.filter (fun an -> not an.Characters.IsEmpty)
            |> Option.map (fun an -> an, Kit.offsetYears an.Direction an.Offset)
            |> Option.filter (fun (_, years) -> abs years < 80)

        match carried, f.Known with
        | Some(an, years), _ ->
            let later = an.Direction.Trim().ToLowerInvariant() <> "prior"

            let carriedOver =
                an.Characters |> List.distinctBy (fun c -> c.Name.ToLowerInvariant())

            let absent =
                carriedOver |> List.choose (fun c -> Period.absence f.Year later c.Name)

            let present =
                carriedOver
                |> List.filter (fun c -> (Period.absence f.Year later c.Name).IsNone)
                |> List.map (age years >> fitCharacter f.Year)

            let cast =
                if present.IsEmpty then
                    invented f Set.empty 3 CharacterRole.Primary
                else
                    present

            let gone =
                match absent with
                | [] -> ""
                | xs -> " Not in this scene: " + String.concat "; " xs + "."

            data
                f
                "medium"
                []
                cast
                (cast |> List.tryHead |> Option.map (fun c -> c.Name))
                $"The same people, {an.Offset}; what happened before shapes how they stand with each other now.{gone}"
                $"Characters carried over from the previous scene, within their lifetimes.{gone}"
        | None, Some m ->
            let cast = m.Participants |> List.mapi (fun i p -> ofParticipant m 0 i p)

            data
                f
                m.Tension
                (m.Participants |> List.map (fun p -> p, m))
                cast
                (m.Participants
                 |> List.tryFind (fun p -> p.Role = CharacterRole.Primary)
                 |> Option.map (fun p -> p.Name))
                $"{scene.SocialDynamics |> Option.defaultValue m.Stakes}"
                $"Named participants of {m.Title}; dialog is paraphrased, not quoted from sources"
        | None, None ->
            let figures =
                f.Analysis.Figures
                |> List.filter (fun (p, _) -> (Period.absence f.Year false p.Name).IsNone)
                |> List.mapi (ofFigure f)

            let judged =
                judge.DetectedFigures
                |> List.choose String.nonBlank
                |> List.filter (fun n ->
                    figures
                    |> List.forall (fun c -> c.Name.ToLowerInvariant() <> n.ToLowerInvariant()))
                |> List.truncate 2
                |> List.map ofJudgeName

            let named = figures @ judged |> List.truncate 4
            let taken = named |> List.map (fun c -> c.Name.ToLowerInvariant()) |> Set.ofList
            let extra = 3 + int (f.Seed % 3u)

            let firstRole =
                if named.IsEmpty then
                    CharacterRole.Primary
                else
                    CharacterRole.Secondary

            let cast =
                named @ invented f taken extra firstRole |> List.truncate Character.maxCount

            let cast =
                if cast.IsEmpty then
                    [ ofJudgeName "An unnamed witness" ]
                else
                    cast

            data
                f
                "medium"
                f.Analysis.Figures
                cast
                (cast |> List.tryHead |> Option.map (fun c -> c.Name))
                $"People of {f.Location} in {Years.display f.Year}: {scene.CrowdDescription |> Option.defaultValue f.Profile.Backdrop}"
                (if named.IsEmpty then
                     "Invented but period-plausible people; names follow the region's conventions"
                 else
                     "Named figures from the request alongside invented, period-plausible people")
