namespace TimepointFlash.Engines.Offline

open TimepointFlash

/// The offline camera (framing from tension, light, focal point and cast) and relationship graph.
[<RequireQualifiedAccess>]
module StagingAnswer =
    let private ofRole role (d: CharacterData) =
        d.Characters |> List.filter (fun c -> c.Role = role)

    let private firstClause (s: string) =
        s.Split([| ';'; '.'; ',' |], System.StringSplitOptions.RemoveEmptyEntries)
        |> Array.tryHead
        |> Option.map (fun x -> x.Trim())
        |> Option.filter (fun x -> x <> "")

    /// Frames the scene.
    let camera (scene: SceneData) (cast: CharacterData) (moment: MomentData option) : CameraData =
        let primary = ofRole CharacterRole.Primary cast
        let secondary = ofRole CharacterRole.Secondary cast
        let background = ofRole CharacterRole.Background cast

        let climactic =
            scene.TensionLevel = TensionLevel.Climactic
            || (moment |> Option.exists MomentData.isClimactic)

        let shot, angle, depth, movement =
            match scene.TensionLevel with
            | _ when climactic -> ShotType.MediumCloseUp, CameraAngle.LowAngle, DepthOfField.Shallow, "slow push-in"
            | TensionLevel.High -> ShotType.Medium, CameraAngle.EyeLevel, DepthOfField.Moderate, "handheld drift"
            | TensionLevel.Low -> ShotType.Wide, CameraAngle.HighAngle, DepthOfField.Deep, "static"
            | _ -> ShotType.MediumWide, CameraAngle.EyeLevel, DepthOfField.Moderate, "slow pan"

        let focal =
            scene.FocalPoint
            |> Option.orElse cast.FocalCharacter
            |> Option.orElse (primary @ cast.Characters |> List.tryHead |> Option.map (fun c -> c.Name))
            |> Option.defaultValue (Text.clip 120 scene.Setting)

        let rule =
            match primary.Length with
            | 0
            | 1 -> "rule of thirds"
            | 2 -> "symmetrical two-shot"
            | _ -> "triangular grouping"

        let lit =
            scene.Lighting |> Option.bind firstClause |> Option.defaultValue "natural light"

        {
            ShotType = shot
            Angle = angle
            FocalPoint = focal
            SecondaryFocus =
                (primary |> List.skip (min 1 primary.Length)) @ secondary
                |> List.tryHead
                |> Option.map (fun c -> c.Name)
            DepthOfField = depth
            Movement = Some movement
            CompositionRule = rule
            LeadingLines =
                [ scene.Architecture |> Option.bind firstClause; Some $"the fall of {lit}" ]
                |> List.choose id
            ForegroundElements = scene.Objects |> List.truncate 2
            MidgroundElements = primary @ secondary |> List.map (fun c -> c.Name) |> List.truncate 5
            BackgroundElements =
                (background |> List.map (fun c -> c.Name))
                @ (scene.Architecture |> Option.bind firstClause |> Option.toList)
            FramingIntent =
                Some(
                    match moment with
                    | Some m when m.Stakes <> "" ->
                        $"Hold the viewer on {focal} as the stakes land: {Text.clip 160 m.Stakes}"
                    | _ -> $"Let {lit} carry the mood and keep {focal} readable"
                )
        }

    let private factionOf (k: Knowledge) (c: Character) =
        k.Moments
        |> List.tryPick (fun m -> m.Participants |> List.tryFind (fun p -> p.Name = c.Name))
        |> Option.bind (fun p -> p.Faction)
        |> Option.defaultValue (
            match c.Role with
            | CharacterRole.Background -> "Onlookers"
            | _ -> "Principals"
        )

    /// Who stands with whom: relationships only between present characters, factions, power and conflict.
    let graph (cast: CharacterData) (moment: MomentData option) : GraphData =
        let k = Knowledge.embedded ()
        let people = cast.Characters |> List.distinctBy (fun c -> c.Name) |> List.truncate 6
        let faction = people |> List.map (fun c -> c.Name, factionOf k c) |> Map.ofList
        let hostile = moment |> Option.exists MomentData.isClimactic

        // Two participants of the same curated moment are rivals only when their factions are curated as opposed.
        let curatedOpposition (a: Character) (b: Character) =
            match Period.figure a.Name, Period.figure b.Name with
            | Some(_, m1), Some(_, m2) when m1.Key = m2.Key ->
                Some(Knowledge.opposed m1 faction[a.Name] faction[b.Name], m1.Tension = "climactic")
            | _ -> None

        let relate (a: Character) (b: Character) =
            let same = faction[a.Name] = faction[b.Name]

            let kind, tension =
                match same, curatedOpposition a b, a.Role, b.Role with
                | false, Some(false, _), _, _ -> RelationshipType.Neutral, RelationshipTension.Friendly
                | false, Some(true, true), _, _ -> RelationshipType.Enemy, RelationshipTension.Hostile
                | true, _, CharacterRole.Primary, CharacterRole.Background ->
                    RelationshipType.Leader, RelationshipTension.Neutral
                | true, _, CharacterRole.Background, CharacterRole.Primary ->
                    RelationshipType.Subordinate, RelationshipTension.Neutral
                | true, _, _, _ -> RelationshipType.Ally, RelationshipTension.Friendly
                | false, _, _, CharacterRole.Background
                | false, _, CharacterRole.Background, _ -> RelationshipType.Stranger, RelationshipTension.Neutral
                | false, _, _, _ when hostile -> RelationshipType.Enemy, RelationshipTension.Hostile
                | false, _, _, _ -> RelationshipType.Rival, RelationshipTension.Tense

            {
                FromCharacter = a.Name
                ToCharacter = b.Name
                RelationshipType = kind
                TensionLevel = tension
                Description =
                    Some $"{a.Name} ({Text.clip 80 a.Description}) and {b.Name} ({Text.clip 80 b.Description})"
            }

        let relationships =
            [
                for i in 0 .. people.Length - 1 do
                    for j in i + 1 .. people.Length - 1 do
                        if
                            people[i].Role <> CharacterRole.Background
                            || people[j].Role <> CharacterRole.Background
                        then
                            yield relate people[i] people[j]
            ]
            |> List.truncate 12

        let factions =
            people
            |> List.groupBy (fun c -> faction[c.Name])
            |> List.map (fun (name, members) -> {
                Name = name
                Members = members |> List.map (fun c -> c.Name)
                Goal =
                    moment
                    |> Option.map (fun m -> m.Stakes)
                    |> Option.filter (fun s -> s <> "")
                    |> Option.map (Text.clip 160)
            })

        let names = factions |> List.map (fun x -> x.Name)

        let rivalries =
            relationships
            |> List.filter (fun r ->
                r.RelationshipType = RelationshipType.Rival
                || r.RelationshipType = RelationshipType.Enemy)
            |> List.map (fun r -> $"{r.FromCharacter} vs {r.ToCharacter}")

        let lead =
            people
            |> List.tryFind (fun c -> c.Role = CharacterRole.Primary)
            |> Option.orElse (List.tryHead people)

        {
            Relationships = relationships
            Factions = factions
            PowerDynamics =
                lead
                |> Option.map (fun c ->
                    $"{c.Name} holds the centre of the scene; the others position themselves around {c.Name}")
            CentralConflict =
                moment
                |> Option.bind (fun m -> m.CentralQuestion)
                |> Option.orElse (
                    if names.Length > 1 then
                        Some(String.concat " against " names)
                    else
                        None
                )
            Alliances =
                factions
                |> List.filter (fun x -> x.Members.Length > 1)
                |> List.map (fun x -> $"""{x.Name}: {String.concat ", " x.Members}""")
            Rivalries = rivalries |> List.truncate 6
            HistoricalContext = moment |> Option.bind (fun m -> m.HistoricalSignificance)
        }
