namespace TimepointFlash.Api

open System
open System.Globalization
open Giraffe.ViewEngine
open TimepointFlash

/// The relationship graph drawn as SVG: characters on a circle, edges coloured by tension.
[<RequireQualifiedAccess>]
module GraphView =
    let private colour =
        function
        | RelationshipTension.Hostile -> "#b3261e"
        | RelationshipTension.Tense -> "#d97706"
        | RelationshipTension.Friendly -> "#2e7d32"
        | RelationshipTension.Neutral -> "#6b6254"

    let private f (x: float) =
        x.ToString("0.#", CultureInfo.InvariantCulture)

    /// An SVG of the cast and their relationships.
    let svg (cast: CharacterData) (graph: GraphData) =
        let w, h = 640.0, 420.0
        let cx, cy, r = w / 2.0, h / 2.0, 150.0
        let people = cast.Characters
        let n = max 1 people.Length

        let position i =
            let a = 2.0 * Math.PI * float i / float n - Math.PI / 2.0
            cx + r * cos a, cy + r * sin a

        let index =
            people
            |> List.mapi (fun i c -> c.Name.ToLowerInvariant(), position i)
            |> Map.ofList

        let edges =
            graph.Relationships
            |> List.choose (fun rel ->
                match
                    index.TryFind(rel.FromCharacter.ToLowerInvariant()),
                    index.TryFind(rel.ToCharacter.ToLowerInvariant())
                with
                | Some(x1, y1), Some(x2, y2) ->
                    Some(
                        tag "line" [
                            attr "x1" (f x1)
                            attr "y1" (f y1)
                            attr "x2" (f x2)
                            attr "y2" (f y2)
                            attr "stroke" (colour rel.TensionLevel)
                            attr "stroke-width" "3"
                            attr "class" $"edge {RelationshipTension.name rel.TensionLevel}"
                        ] [
                            tag "title" [] [
                                str
                                    $"{rel.FromCharacter} → {rel.ToCharacter}: {RelationshipType.name rel.RelationshipType} ({RelationshipTension.name rel.TensionLevel})"
                            ]
                        ]
                    )
                | _ -> None)

        let nodes =
            people
            |> List.mapi (fun i c ->
                let x, y = position i

                let fill =
                    match c.Role with
                    | CharacterRole.Primary -> "#8a3b12"
                    | CharacterRole.Secondary -> "#b7793f"
                    | CharacterRole.Background -> "#a89f8f"

                tag "g" [ attr "class" "node" ] [
                    tag "circle" [ attr "cx" (f x); attr "cy" (f y); attr "r" "18"; attr "fill" fill ] []
                    tag "text" [
                        attr "x" (f x)
                        attr "y" (f (y + 34.0))
                        attr "text-anchor" "middle"
                        attr "font-size" "14"
                        attr "paint-order" "stroke"
                        attr "stroke" "#fffdf8"
                        attr "stroke-width" "4"
                        attr "stroke-linejoin" "round"
                    ] [ str c.Name ]
                ])

        tag "svg" [
            attr "xmlns" "http://www.w3.org/2000/svg"
            attr "viewBox" $"0 0 {f w} {f h}"
            attr "role" "img"
            attr "aria-label" "Relationship graph"
            attr "class" "relationship-graph"
        ] [ yield! edges; yield! nodes ]

    /// A short coloured line matching an edge of the given tension.
    let swatch (tension: RelationshipTension) =
        // An SVG fill, not a style attribute: the Content-Security-Policy allows no inline styles.
        tag "svg" [
            _class "swatch"
            attr "viewBox" "0 0 22 5"
            attr "preserveAspectRatio" "none"
            attr "aria-hidden" "true"
        ] [
            tag "rect" [ attr "width" "22"; attr "height" "5"; attr "fill" (colour tension) ] []
        ]

    /// The colour key for the tensions present in the graph.
    let legend (graph: GraphData) =
        let present =
            graph.Relationships |> List.map (fun r -> r.TensionLevel) |> List.distinct

        let ordered =
            Vocabulary.all RelationshipTension.vocabulary
            |> List.filter (fun k -> List.contains k present)

        ul
            [ _class "legend"; attr "aria-label" "Edge colours" ]
            (ordered
             |> List.map (fun t -> li [] [ swatch t; str (RelationshipTension.name t) ]))
