//! AWS named profiles: the shared `credentials` and `config` files, which
//! `object_store` does not read. Only static keys, the region and the
//! endpoint are taken from them; a value set in the environment wins.
//! (Single sign-on and role chaining are not supported: export the keys
//! with `aws configure export-credentials --format env` instead.)
//!
//! Spec: <https://zarr-links.github.io/zarr-links/implementers.html#remote-stores>

use std::collections::HashMap;
use std::path::PathBuf;

use object_store::aws::AmazonS3Builder;

/// The values of one profile that this reader uses.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Profile {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// The `key = value` lines of `section` in an INI file. `config` names
/// sections `[profile NAME]` (except `[default]`); `credentials` names
/// them `[NAME]`.
fn section(text: &str, wanted: &[String]) -> Option<HashMap<String, String>> {
    let mut found: Option<HashMap<String, String>> = None;
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if found.is_some() {
                break;
            }
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            inside = wanted.contains(&name);
            continue;
        }
        if let (true, Some((k, v))) = (inside, line.split_once('=')) {
            found
                .get_or_insert_with(HashMap::new)
                .insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    found
}

/// Reads profile `name` from the two files' texts.
fn parse(name: &str, credentials: Option<&str>, config: Option<&str>) -> Option<Profile> {
    let cred = credentials.and_then(|t| section(t, &[name.to_string()]));
    let config_names = if name == "default" {
        vec!["default".to_string(), "profile default".to_string()]
    } else {
        vec![format!("profile {name}")]
    };
    let conf = config.and_then(|t| section(t, &config_names));
    if cred.is_none() && conf.is_none() {
        return None;
    }
    let get = |key: &str| {
        cred.as_ref()
            .and_then(|m| m.get(key))
            .or_else(|| conf.as_ref().and_then(|m| m.get(key)))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    Some(Profile {
        access_key_id: get("aws_access_key_id"),
        secret_access_key: get("aws_secret_access_key"),
        session_token: get("aws_session_token"),
        region: get("region"),
        endpoint_url: get("endpoint_url"),
    })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn home_file(var: &str, name: &str) -> Option<PathBuf> {
    env(var).map(PathBuf::from).or_else(|| {
        env("HOME")
            .or_else(|| env("USERPROFILE"))
            .map(|h| PathBuf::from(h).join(".aws").join(name))
    })
}

/// The profile the environment selects (`AWS_PROFILE`, else `default`).
/// An explicitly named profile that is in neither file is an error.
fn selected() -> Result<Option<Profile>, String> {
    let named = env("AWS_PROFILE").or_else(|| env("AWS_DEFAULT_PROFILE"));
    let name = named.clone().unwrap_or_else(|| "default".to_string());
    let read = |p: Option<PathBuf>| p.and_then(|p| std::fs::read_to_string(p).ok());
    let credentials = read(home_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"));
    let config = read(home_file("AWS_CONFIG_FILE", "config"));
    match parse(&name, credentials.as_deref(), config.as_deref()) {
        Some(p) => Ok(Some(p)),
        None if named.is_some() => Err(format!(
            "the AWS profile {name:?} (AWS_PROFILE) is in neither ~/.aws/credentials nor ~/.aws/config"
        )),
        None => Ok(None),
    }
}

/// Fills what the environment leaves unset from the selected profile.
pub(crate) fn apply(mut b: AmazonS3Builder) -> Result<AmazonS3Builder, String> {
    let Some(p) = selected()? else {
        return Ok(b);
    };
    if env("AWS_ACCESS_KEY_ID").is_none() {
        if let (Some(id), Some(secret)) = (p.access_key_id, p.secret_access_key) {
            b = b.with_access_key_id(id).with_secret_access_key(secret);
            if let Some(token) = p.session_token {
                b = b.with_token(token);
            }
        }
    }
    if env("AWS_REGION").is_none() && env("AWS_DEFAULT_REGION").is_none() {
        if let Some(region) = p.region {
            b = b.with_region(region);
        }
    }
    if ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"]
        .iter()
        .all(|v| env(v).is_none())
    {
        if let Some(endpoint) = p.endpoint_url {
            b = b.with_endpoint(endpoint);
        }
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDENTIALS: &str = "\
[default]
aws_access_key_id = AKDEFAULT
aws_secret_access_key = sdefault

[work]
aws_access_key_id=AKWORK
aws_secret_access_key=swork
aws_session_token = tok
";

    const CONFIG: &str = "\
# comment
[default]
region = eu-west-1

[profile work]
region = eu-central-1
endpoint_url = http://127.0.0.1:9000
";

    #[test]
    fn profiles_are_read_from_both_files() {
        let d = parse("default", Some(CREDENTIALS), Some(CONFIG)).unwrap();
        assert_eq!(d.access_key_id.as_deref(), Some("AKDEFAULT"));
        assert_eq!(d.region.as_deref(), Some("eu-west-1"));
        assert_eq!(d.endpoint_url, None);
        let w = parse("work", Some(CREDENTIALS), Some(CONFIG)).unwrap();
        assert_eq!(w.access_key_id.as_deref(), Some("AKWORK"));
        assert_eq!(w.secret_access_key.as_deref(), Some("swork"));
        assert_eq!(w.session_token.as_deref(), Some("tok"));
        assert_eq!(w.region.as_deref(), Some("eu-central-1"));
        assert_eq!(w.endpoint_url.as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(parse("other", Some(CREDENTIALS), Some(CONFIG)), None);
        // `[work]` in config is not `[profile work]`.
        assert_eq!(parse("work", None, Some("[work]\nregion = x\n")), None);
    }
}
