//! The footprint of a store in WGS 84 longitude and latitude, for a STAC
//! Item's `bbox` and `geometry`, from the `proj:` and `spatial:`
//! conventions.
//!
//! A node contributes when it states its extent (`spatial:bbox`, or
//! `spatial:transform` with `spatial:shape`) and its coordinate reference
//! system is known: its own `proj:code` or the nearest ancestor's. Two kinds
//! of system are understood without a projection library:
//!
//! - geographic WGS 84, `EPSG:4326` or `OGC:CRS84`, with x the longitude and
//!   y the latitude (the order GDAL and rasterio write);
//! - the UTM zones on WGS 84, `EPSG:32601` to `EPSG:32660` (north) and
//!   `EPSG:32701` to `EPSG:32760` (south), converted with the Krüger series
//!   to third order (Karney 2011), accurate to well under a metre in a zone.
//!
//! A UTM extent is converted along its edges (17 points each), since a
//! straight edge in UTM is curved in longitude and latitude. The extent is
//! taken as the conventions state it, without half-cell adjustments. Nodes
//! with another system are skipped with a note; the user can pass a bbox.
//!
//! Spec: <https://zarr-links.github.io/zarr-links/interoperability.html>

use serde_json::{json, Value};
use zarr_links_model::{Hierarchy, Node};

use crate::Note;

/// A WGS 84 bounding box: west, south, east, north in degrees. West is
/// greater than east for a box that crosses the antimeridian (RFC 7946,
/// section 5.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    /// Westernmost longitude.
    pub west: f64,
    /// Southernmost latitude.
    pub south: f64,
    /// Easternmost longitude.
    pub east: f64,
    /// Northernmost latitude.
    pub north: f64,
}

impl Bbox {
    /// Parses `W,S,E,N` (degrees, WGS 84).
    ///
    /// ```
    /// use zarr_links_export::geo::Bbox;
    /// let b = Bbox::parse("6.4,44.1,7.9,45.2").unwrap();
    /// assert_eq!(b.west, 6.4);
    /// assert!(Bbox::parse("6.4,46,7.9,45").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Bbox, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let numbers: Option<Vec<f64>> = parts
            .iter()
            .map(|p| p.parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect();
        match numbers.as_deref() {
            Some(&[west, south, east, north]) => Bbox {
                west,
                south,
                east,
                north,
            }
            .checked(),
            _ => Err(format!(
                "{s:?} is not a bounding box: four numbers W,S,E,N in degrees, such as 6.4,44.1,7.9,45.2"
            )),
        }
    }

    fn checked(self) -> Result<Bbox, String> {
        let lon = -180.0..=180.0;
        let lat = -90.0..=90.0;
        if !lon.contains(&self.west) || !lon.contains(&self.east) {
            return Err("longitudes must lie between -180 and 180".to_string());
        }
        if !lat.contains(&self.south) || !lat.contains(&self.north) {
            return Err("latitudes must lie between -90 and 90".to_string());
        }
        if self.south > self.north {
            return Err("the south edge lies north of the north edge".to_string());
        }
        Ok(self)
    }

    /// `[west, south, east, north]`.
    pub fn to_json(&self) -> Value {
        json!([self.west, self.south, self.east, self.north])
    }

    /// The GeoJSON geometry of the box: a Polygon with its ring
    /// counterclockwise (RFC 7946), or a MultiPolygon of two boxes when it
    /// crosses the antimeridian.
    pub fn geometry(&self) -> Value {
        let ring = |w: f64, e: f64| {
            json!([[
                [w, self.south],
                [e, self.south],
                [e, self.north],
                [w, self.north],
                [w, self.south]
            ]])
        };
        if self.west <= self.east {
            json!({"type": "Polygon", "coordinates": ring(self.west, self.east)})
        } else {
            let a = ring(self.west, 180.0);
            let b = ring(-180.0, self.east);
            json!({"type": "MultiPolygon", "coordinates": [a, b]})
        }
    }

    fn union(self, other: Bbox) -> Bbox {
        Bbox {
            west: self.west.min(other.west),
            south: self.south.min(other.south),
            east: self.east.max(other.east),
            north: self.north.max(other.north),
        }
    }

    fn rounded(self) -> Bbox {
        // 1e-7 degrees is about 1 cm: enough, and stable in snapshots.
        let r = |x: f64| (x * 1e7).round() / 1e7;
        Bbox {
            west: r(self.west),
            south: r(self.south),
            east: r(self.east),
            north: r(self.north),
        }
    }
}

/// A coordinate reference system this module can convert from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Crs {
    Wgs84,
    Utm { zone: u8, south: bool },
}

impl Crs {
    fn parse(code: &str) -> Option<Crs> {
        let code = code.trim();
        if code.eq_ignore_ascii_case("EPSG:4326") || code.eq_ignore_ascii_case("OGC:CRS84") {
            return Some(Crs::Wgs84);
        }
        let n: u32 = code
            .strip_prefix("EPSG:")
            .or_else(|| code.strip_prefix("epsg:"))?
            .parse()
            .ok()?;
        match n {
            32601..=32660 => Some(Crs::Utm {
                zone: (n - 32600) as u8,
                south: false,
            }),
            32701..=32760 => Some(Crs::Utm {
                zone: (n - 32700) as u8,
                south: true,
            }),
            _ => None,
        }
    }

    /// Longitude and latitude in degrees of a point in this system, or
    /// `None` when it lies outside the system's area.
    fn to_lon_lat(self, x: f64, y: f64) -> Option<(f64, f64)> {
        match self {
            Crs::Wgs84 => {
                ((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)).then_some((x, y))
            }
            Crs::Utm { zone, south } => utm_inverse(zone, south, x, y),
        }
    }
}

/// Inverse transverse Mercator for a UTM zone on WGS 84 (Krüger series to
/// third order in n, after Karney 2011). `None` outside the area where UTM
/// is used (easting within 1000 km of the central meridian, northing 0 to
/// 10,000 km).
fn utm_inverse(zone: u8, south: bool, easting: f64, northing: f64) -> Option<(f64, f64)> {
    const A: f64 = 6_378_137.0;
    const F: f64 = 1.0 / 298.257_223_563;
    const K0: f64 = 0.9996;
    const E0: f64 = 500_000.0;
    if (easting - E0).abs() > 1_000_000.0 || !(0.0..=10_000_000.0).contains(&northing) {
        return None;
    }
    let n0 = if south { 10_000_000.0 } else { 0.0 };
    let n = F / (2.0 - F);
    let (n2, n3) = (n * n, n * n * n);
    let big_a = A / (1.0 + n) * (1.0 + n2 / 4.0 + n2 * n2 / 64.0);
    let beta = [
        n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0,
        n2 / 48.0 + n3 / 15.0,
        17.0 * n3 / 480.0,
    ];
    let delta = [
        2.0 * n - 2.0 * n2 / 3.0 - 2.0 * n3,
        7.0 * n2 / 3.0 - 8.0 * n3 / 5.0,
        56.0 * n3 / 15.0,
    ];
    let xi = (northing - n0) / (K0 * big_a);
    let eta = (easting - E0) / (K0 * big_a);
    let (mut xi1, mut eta1) = (xi, eta);
    for (j, b) in beta.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi1 -= b * (k * xi).sin() * (k * eta).cosh();
        eta1 -= b * (k * xi).cos() * (k * eta).sinh();
    }
    let chi = (xi1.sin() / eta1.cosh()).asin();
    let mut phi = chi;
    for (j, d) in delta.iter().enumerate() {
        phi += d * (2.0 * (j as f64 + 1.0) * chi).sin();
    }
    let lambda0 = (f64::from(zone) * 6.0 - 183.0).to_radians();
    let lambda = lambda0 + eta1.sinh().atan2(xi1.cos());
    let lon = (lambda.to_degrees() + 540.0).rem_euclid(360.0) - 180.0;
    Some((lon, phi.to_degrees()))
}

fn numbers(v: Option<&Value>) -> Option<Vec<f64>> {
    v?.as_array()?.iter().map(Value::as_f64).collect()
}

/// The extent a node states in its own coordinates: `[xmin, ymin, xmax,
/// ymax]` from `spatial:bbox` (the first two axes of a 3D box are x and y),
/// or from the four corners of `spatial:transform` over `spatial:shape`.
fn native_extent(node: &Node) -> Option<[f64; 4]> {
    let attrs = node.attributes()?;
    if let Some(b) = numbers(attrs.get("spatial:bbox")) {
        return match b.len() {
            4 => Some([b[0], b[1], b[2], b[3]]),
            6 => Some([b[0], b[1], b[3], b[4]]),
            _ => None,
        };
    }
    let t = numbers(attrs.get("spatial:transform")).filter(|t| t.len() == 6)?;
    let shape = numbers(attrs.get("spatial:shape")).filter(|s| s.len() >= 2)?;
    let (rows, cols) = (shape[shape.len() - 2], shape[shape.len() - 1]);
    let corner = |c: f64, r: f64| (t[0] * c + t[1] * r + t[2], t[3] * c + t[4] * r + t[5]);
    let pts = [
        corner(0.0, 0.0),
        corner(cols, 0.0),
        corner(0.0, rows),
        corner(cols, rows),
    ];
    let xs = pts.iter().map(|p| p.0);
    let ys = pts.iter().map(|p| p.1);
    Some([
        xs.clone().fold(f64::INFINITY, f64::min),
        ys.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
        ys.fold(f64::NEG_INFINITY, f64::max),
    ])
}

/// The `proj:code` that applies to a node: its own, else the nearest
/// ancestor's.
fn proj_code<'h>(hierarchy: &'h Hierarchy, node: &'h Node) -> Option<&'h str> {
    let mut path = Some(node.path.clone());
    while let Some(p) = path {
        if let Some(code) = hierarchy
            .get(&p)
            .and_then(Node::attributes)
            .and_then(|a| a.get("proj:code"))
            .and_then(Value::as_str)
        {
            return Some(code);
        }
        path = p.parent();
    }
    None
}

/// The WGS 84 footprint of every node that states its extent and a
/// coordinate reference system this module understands, joined into one
/// box; and notes on the nodes that state an extent but could not be used.
/// Needs the nodes' attributes (load the store keeping them).
pub fn footprint(hierarchy: &Hierarchy) -> (Option<Bbox>, Vec<Note>) {
    let mut total: Option<Bbox> = None;
    let mut notes = Vec::new();
    for node in hierarchy.nodes() {
        let Some([x0, y0, x1, y1]) = native_extent(node) else {
            continue;
        };
        let note = |text: String| Note {
            node: node.path.as_str().to_string(),
            link: None,
            text,
        };
        let Some(code) = proj_code(hierarchy, node) else {
            notes.push(note(
                "states a spatial: extent but no proj:code (its own or an ancestor's); not used for the bbox"
                    .to_string(),
            ));
            continue;
        };
        let Some(crs) = Crs::parse(code) else {
            notes.push(note(format!(
                "its extent is in {code}, which the exporter cannot convert to WGS 84 \
                 (it converts EPSG:4326, OGC:CRS84 and the WGS 84 UTM zones); not used for the bbox"
            )));
            continue;
        };
        let steps = 16;
        let mut points = Vec::with_capacity(4 * (steps + 1));
        for i in 0..=steps {
            let f = i as f64 / steps as f64;
            let (x, y) = (x0 + f * (x1 - x0), y0 + f * (y1 - y0));
            points.extend([(x, y0), (x, y1), (x0, y), (x1, y)]);
        }
        let converted: Option<Vec<(f64, f64)>> =
            points.iter().map(|&(x, y)| crs.to_lon_lat(x, y)).collect();
        let Some(lon_lat) = converted.filter(|_| x0 <= x1 && y0 <= y1) else {
            notes.push(note(format!(
                "its extent [{x0}, {y0}, {x1}, {y1}] does not lie within the area of {code}; \
                 not used for the bbox"
            )));
            continue;
        };
        let b = lon_lat.iter().fold(
            Bbox {
                west: f64::INFINITY,
                south: f64::INFINITY,
                east: f64::NEG_INFINITY,
                north: f64::NEG_INFINITY,
            },
            |b, &(lon, lat)| Bbox {
                west: b.west.min(lon),
                south: b.south.min(lat),
                east: b.east.max(lon),
                north: b.north.max(lat),
            },
        );
        total = Some(total.map_or(b, |t| t.union(b)));
    }
    (total.map(Bbox::rounded), notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use zarr_links_model::{NodeKind, ZarrFormat};

    /// Reference values computed with PROJ 9 (pyproj, `always_xy=True`).
    #[test]
    fn utm_matches_proj() {
        for (zone, south, e, n, lon, lat) in [
            (32, false, 300_000.0, 5_000_040.0, 6.456860517, 45.125513562),
            (32, false, 409_800.0, 4_890_240.0, 7.871918704, 44.159796633),
            (32, false, 500_000.0, 0.0, 9.0, 0.0),
            (
                32,
                false,
                699_960.0,
                5_100_000.0,
                11.583548840,
                46.024365075,
            ),
            (32, false, 166_021.44, 0.0, 5.999999972, 0.0),
            (
                33,
                true,
                300_000.0,
                8_000_000.0,
                13.110189333,
                -18.079454749,
            ),
            (
                33,
                true,
                800_000.0,
                1_000_000.0,
                31.801446663,
                -80.669070863,
            ),
        ] {
            let (x, y) = utm_inverse(zone, south, e, n).unwrap();
            assert!((x - lon).abs() < 1e-7, "{e} {n}: lon {x} vs {lon}");
            assert!((y - lat).abs() < 1e-7, "{e} {n}: lat {y} vs {lat}");
        }
        assert_eq!(utm_inverse(32, false, 2_000_000.0, 0.0), None);
    }

    #[test]
    fn parses_and_checks_boxes() {
        assert!(Bbox::parse("1,2,3").is_err());
        assert!(Bbox::parse("a,2,3,4").is_err());
        assert!(Bbox::parse("0,0,NaN,1").is_err());
        assert!(Bbox::parse("-181,0,0,1").is_err());
        assert!(Bbox::parse("0,-91,0,1").is_err());
        let b = Bbox::parse(" 170, -10, -170, 10 ").unwrap();
        assert_eq!(b.geometry()["type"], "MultiPolygon");
        let p = Bbox::parse("1,2,3,4").unwrap().geometry();
        assert_eq!(p["coordinates"][0][1], json!([3.0, 2.0]));
    }

    fn node(path: &str, attrs: Value) -> Node {
        Node::v3(path, NodeKind::Group, attrs)
    }

    #[test]
    fn footprint_from_proj_and_spatial() {
        let h = Hierarchy::new(
            "memory".into(),
            ZarrFormat::V3,
            false,
            vec![
                node("/", json!({})),
                node("/r10m", json!({"proj:code": "EPSG:32632"})),
                node(
                    "/r10m/b04",
                    json!({"spatial:transform": [10.0, 0.0, 300000.0, 0.0, -10.0, 5000040.0],
                           "spatial:shape": [10980, 10980]}),
                ),
                node(
                    "/global",
                    json!({"proj:code": "EPSG:4326", "spatial:bbox": [-10.0, -5.0, 7.0, 6.0]}),
                ),
                node(
                    "/mars",
                    json!({"proj:code": "IAU_2015:49900", "spatial:bbox": [0, 0, 1, 1]}),
                ),
                node("/pixels", json!({"spatial:bbox": [0, 0, 1024, 1024]})),
            ],
        );
        let (b, notes) = footprint(&h);
        let b = b.unwrap();
        // The UTM tile sets the north and east edges (PROJ, along the same
        // 17 points an edge: 45.148073182 N, 7.871918704 E), the
        // geographic box the others.
        assert_eq!((b.west, b.south), (-10.0, -5.0));
        assert!((b.north - 45.148073182).abs() < 1e-7, "{b:?}");
        assert!((b.east - 7.871918704).abs() < 1e-7, "{b:?}");
        let nodes: Vec<&str> = notes.iter().map(|n| n.node.as_str()).collect();
        assert_eq!(nodes, ["/mars", "/pixels"]);
    }
}
