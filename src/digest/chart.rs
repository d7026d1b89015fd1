//! A small PNG chart of the open pipeline, attached inline by Content-ID: for each currency, a
//! bar split between open (blue) and on-hold (amber) value, drawn from pixels (no font, no
//! remote image); the HTML caption and table carry the numbers.

use super::model::Digest;

/// Width of the chart in pixels.
pub const WIDTH: u32 = 592;
const BAR: u32 = 22;
const GAP: u32 = 10;
const OPEN: [u8; 3] = [0x1d, 0x4e, 0xd8];
const HOLD: [u8; 3] = [0xf5, 0x9e, 0x0b];
const TRACK: [u8; 3] = [0xe4, 0xe7, 0xeb];

/// An encoded chart.
#[derive(Debug, Clone)]
pub struct Chart {
    /// PNG bytes.
    pub png: Vec<u8>,
    /// Height in pixels.
    pub height: u32,
}

/// The pipeline chart, or None when no open deal has an amount. Each bar is one currency (in
/// the table's order), its full length that currency's total: amounts in different currencies
/// are never compared, only the open / on-hold split is drawn.
pub fn pipeline_png(d: &Digest) -> Option<Chart> {
    let rows: Vec<(f64, f64)> = d
        .pipeline
        .iter()
        .filter(|p| p.currency != "—")
        .map(|p| p.raw)
        .filter(|(o, h)| o.is_finite() && h.is_finite() && o + h > 0.0)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let height = GAP + rows.len() as u32 * (BAR + GAP);
    let mut px = vec![255u8; (WIDTH * height * 3) as usize];
    let mut fill = |x0: u32, y0: u32, w: u32, h: u32, c: [u8; 3]| {
        for y in y0..(y0 + h).min(height) {
            for x in x0..(x0 + w).min(WIDTH) {
                let i = ((y * WIDTH + x) * 3) as usize;
                px[i..i + 3].copy_from_slice(&c);
            }
        }
    };
    let inner = WIDTH - 2 * GAP;
    for (n, (open, hold)) in rows.iter().enumerate() {
        let y = GAP + n as u32 * (BAR + GAP);
        let total = open + hold;
        fill(GAP, y, inner, BAR, TRACK);
        let wo = ((open / total) * f64::from(inner)).round() as u32;
        fill(GAP, y, wo, BAR, OPEN);
        fill(GAP + wo, y, inner - wo.min(inner), BAR, HOLD);
    }
    let mut png = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png, WIDTH, height);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().ok()?;
        w.write_image_data(&px).ok()?;
        w.finish().ok()?;
    }
    Some(Chart { png, height })
}
