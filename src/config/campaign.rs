//! campaign.toml: one struct per section, every key known (a typo is an error), every
//! default written once, in the section's `Default`. `init` writes its campaign.toml from
//! these defaults and a test checks README's against them.

use crate::percent::Rounding;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// The largest table read, in bytes, on disk or once a workbook is unzipped.
pub const DEFAULT_MAX_TABLE_BYTES: u64 = 512 * 1024 * 1024;

/// campaign.toml.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CampaignConfig {
    /// Identifier used for output folders; default: the campaign folder's name.
    #[serde(default)]
    pub id: Option<String>,
    /// The campaign's name, e.g. 利川市微信工作群清理整治. Required.
    pub name: String,
    /// The region, e.g. 湖北省利川市. Default: empty.
    #[serde(default)]
    pub region: String,
    /// The body that runs the campaign, e.g. 利川市纪委监委. Default: empty.
    #[serde(default)]
    pub authority: String,
    /// The sheet to read per table in workbooks.
    #[serde(default)]
    pub sheets: Sheets,
    /// How percentages are printed.
    #[serde(default)]
    pub report: ReportConfig,
    /// How cadres are shown.
    #[serde(default)]
    pub privacy: PrivacyConfig,
    /// The rules checked at the current snapshot.
    #[serde(default)]
    pub rules: RulesConfig,
    /// Extra folders of font files for the PDF, relative to the campaign folder,
    /// e.g. `font_dirs = ["fonts"]`. Searched besides the system fonts and `--font-dir`.
    #[serde(default)]
    pub font_dirs: Vec<PathBuf>,
    /// The largest table read, in bytes (default [`DEFAULT_MAX_TABLE_BYTES`]);
    /// `--max-table-mb` wins over it.
    #[serde(default)]
    pub max_table_bytes: Option<u64>,
}

/// `[sheets]`: the sheet to read per table in workbooks. Default: a sheet named like the
/// table, else the first sheet.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Sheets {
    pub groups: Option<String>,
    pub accounts: Option<String>,
    pub members: Option<String>,
    pub units: Option<String>,
}

impl Sheets {
    /// The sheet named for the table whose key is `table` (`groups`, `accounts`, …).
    pub fn get(&self, table: &str) -> Option<&str> {
        match table {
            "groups" => self.groups.as_deref(),
            "accounts" => self.accounts.as_deref(),
            "members" => self.members.as_deref(),
            "units" => self.units.as_deref(),
            _ => None,
        }
    }

    /// Every sheet named, with its table's key.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("groups", &self.groups),
            ("accounts", &self.accounts),
            ("members", &self.members),
            ("units", &self.units),
        ]
        .into_iter()
        .filter_map(|(key, sheet)| sheet.as_deref().map(|s| (key, s)))
    }
}

/// `[report]`: how percentages are printed, in every output; and, when set, the notice's
/// 版头 (issuer's mark and document number), 主送 and 抄送 as GB/T 9704 lays them out.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ReportConfig {
    /// Digits after the decimal point in percentages (77.5%).
    pub decimals: u32,
    /// How an exact half rounds: "gbt8170" (to even) or "half-up" (四舍五入).
    pub rounding: Rounding,
    /// 发文机关标志, printed red above the title: 利川市纪委监委文件. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_mark: Option<String>,
    /// 发文字号, under the issuer's mark: 利纪发〔2019〕12号. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<String>,
    /// 主送机关, under the title: 各乡镇党委、政府，市直各单位. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<String>,
    /// 抄送机关, in the 版记 at the end: 市委办公室，市政府办公室. Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_to: Option<String>,
}

impl ReportConfig {
    /// Only how percentages print: what a notice made of other campaigns' reports (a
    /// roll-up, a comparison) takes from them, never their 版头 or 主送.
    pub fn numbers(&self) -> ReportConfig {
        ReportConfig {
            decimals: self.decimals,
            rounding: self.rounding,
            ..ReportConfig::default()
        }
    }

    /// The notice's texts set in `[report]`, with their keys.
    pub fn texts(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("report.issuer_mark", self.issuer_mark.as_deref()),
            ("report.doc_number", self.doc_number.as_deref()),
            ("report.recipients", self.recipients.as_deref()),
            ("report.copy_to", self.copy_to.as_deref()),
        ]
    }
}

/// The most digits a percentage may have: beyond that the exact ratio is in metrics.json.
pub const MAX_DECIMALS: u32 = 6;

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            decimals: 1,
            rounding: Rounding::GbT8170,
            issuer_mark: None,
            doc_number: None,
            recipients: None,
            copy_to: None,
        }
    }
}

/// `[privacy]`: how cadres are shown.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyConfig {
    /// Show cadres' names (姓名 in the members table) instead of pseudonyms.
    pub show_names: bool,
    /// The key pseudonyms are derived with. Default: the JIANFU_PSEUDONYM_KEY environment
    /// variable; without either, a key derived from the campaign id (stable, but guessable
    /// by whoever knows the member ids). Never written to any output.
    pub pseudonym_key: Option<String>,
}

/// The environment variable that holds the pseudonym key, so it need not sit in campaign.toml.
pub const KEY_VARIABLE: &str = "JIANFU_PSEUDONYM_KEY";

impl PrivacyConfig {
    /// The environment's key first, then campaign.toml's, then one from the campaign id.
    pub fn key(&self, campaign_id: &str) -> Vec<u8> {
        std::env::var(KEY_VARIABLE)
            .ok()
            .filter(|k| !k.is_empty())
            .or_else(|| self.pseudonym_key.clone())
            .unwrap_or_else(|| format!("jianfu:{campaign_id}"))
            .into_bytes()
    }
}

/// `[rules]`: the rules checked at the current snapshot. Every rule is on by default.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    /// At most this many standing (长期) groups per unit (Lichuan's rule: one).
    pub max_groups_per_unit: u64,
    /// Every active group names an admin (管理员).
    pub require_admin: bool,
    /// Every group created since the baseline was filed (报备) first.
    pub require_filing: bool,
    /// Stage-work groups past their end date must be gone.
    pub stage_overdue: bool,
    /// An active group silent for more than this many days is a zombie.
    pub zombie_group_days: i64,
    /// An account with no post for more than this many days is stale.
    pub stale_account_days: i64,
    /// An account with fewer followers is too small to keep.
    pub min_followers: i64,
    /// Groups whose member sets have at least this Jaccard similarity are merge candidates.
    pub overlap_jaccard: f64,
    /// Months after the current snapshot by which breaches are due.
    pub due_months: u32,
    /// A stage-work (阶段性) group filed for `vet` may run at most this many months.
    pub max_stage_months: u32,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            max_groups_per_unit: 1,
            require_admin: true,
            require_filing: true,
            stage_overdue: true,
            zombie_group_days: 90,
            stale_account_days: 14,
            min_followers: 1000,
            overlap_jaccard: 0.8,
            due_months: 1,
            max_stage_months: 6,
        }
    }
}

impl CampaignConfig {
    /// Checks the values serde cannot: ranges, and names printed in every output. The
    /// error names the key as written in campaign.toml.
    pub fn validate(&self) -> Result<(), (String, String)> {
        let bad = |key: &str, detail: String| Err((key.to_string(), detail));
        // Names printed in every output and on the terminal: no control characters, which
        // would corrupt the SVG and XLSX files or drive the terminal (escape sequences).
        for (key, value) in [
            ("name", self.name.as_str()),
            ("region", &self.region),
            ("authority", &self.authority),
        ]
        .into_iter()
        .chain(self.sheets.named())
        .chain(
            self.report
                .texts()
                .into_iter()
                .filter_map(|(key, value)| value.map(|v| (key, v))),
        ) {
            if value.chars().any(char::is_control) {
                return bad(key, "contains control characters".into());
            }
        }
        if self.report.decimals > MAX_DECIMALS {
            return bad(
                "report.decimals",
                format!("{} is more than {MAX_DECIMALS}", self.report.decimals),
            );
        }
        let rules = &self.rules;
        if rules.max_groups_per_unit > u64::from(u32::MAX) {
            return bad(
                "rules.max_groups_per_unit",
                format!("{} is too large", rules.max_groups_per_unit),
            );
        }
        if !(rules.overlap_jaccard > 0.0 && rules.overlap_jaccard <= 1.0) {
            return bad(
                "rules.overlap_jaccard",
                format!("{} is not in (0, 1]", rules.overlap_jaccard),
            );
        }
        for (key, days) in [
            ("rules.zombie_group_days", rules.zombie_group_days),
            ("rules.stale_account_days", rules.stale_account_days),
            ("rules.min_followers", rules.min_followers),
        ] {
            if days < 0 {
                return bad(key, format!("{days} is negative"));
            }
        }
        if rules.due_months > 120 {
            return bad(
                "rules.due_months",
                format!("{} is more than 120", rules.due_months),
            );
        }
        if self.max_table_bytes == Some(0) {
            return bad("max_table_bytes", "0 would refuse every table".into());
        }
        Ok(())
    }
}

/// The campaign.toml `init` writes: every setting explained in Chinese, the optional ones
/// commented out at their defaults.
pub fn campaign_toml(name: &str) -> String {
    let rules = RulesConfig::default();
    let report = ReportConfig::default();
    let privacy = PrivacyConfig::default();
    let rounding = match report.rounding {
        Rounding::GbT8170 => "gbt8170",
        Rounding::HalfUp => "half-up",
    };
    format!(
        r#"# jianfu 活动配置（campaign.toml）
# 活动名称，用于报告标题，如：利川市微信工作群清理整治
name = "{name}"
# 地区，如：湖北省利川市
region = ""
# 牵头单位，报告落款，如：利川市纪委监委
authority = ""

# 输出文件夹名，默认为本文件夹的名称
# id = "lichuan"

# 生成 PDF 时额外查找字体的文件夹（相对本文件夹），如 ["fonts"]
# font_dirs = ["fonts"]

# 单个台账文件的大小上限（字节，含 xlsx 解压后大小），默认 {mib} MiB
# max_table_bytes = {DEFAULT_MAX_TABLE_BYTES}

# 工作簿中要读取的工作表（默认：与台账同名的工作表，否则第一个工作表）
# [sheets]
# groups = "工作群台账"
# accounts = "政务新媒体台账"
# members = "群成员"

# 清理规定（均有默认值）
# [rules]
# max_groups_per_unit = {}      # 每个单位长期工作群上限
# require_admin = {}         # 每个工作群须指定管理员
# require_filing = {}        # 新建工作群须报备
# stage_overdue = {}         # 阶段性工作群到期须解散
# zombie_group_days = {}       # 超过此天数无人发言即为僵尸群
# stale_account_days = {}      # 政务新媒体超过此天数未更新
# min_followers = {}         # 政务新媒体粉丝数下限
# overlap_jaccard = {}        # 成员重合度达到此值的工作群建议合并
# due_months = {}               # 整改时限：当期快照后几个月
# max_stage_months = {}         # 报备的阶段性工作群最长使用期限（月）

# 百分比的写法
# [report]
# decimals = {}                 # 保留小数位数
# rounding = "{rounding}"         # GB/T 8170 修约（恰为5时取偶）；"half-up" 为四舍五入
# issuer_mark = "利川市纪委监委文件"   # 版头：发文机关标志（红色），不填则无版头
# doc_number = "利纪发〔2019〕12号"    # 发文字号，位于发文机关标志之下
# recipients = "各乡镇党委、政府，市直各单位"  # 主送机关，位于标题之下
# copy_to = "市委办公室，市政府办公室"         # 抄送机关，位于文末版记

# 个人信息保护
# [privacy]
# show_names = {}           # 是否显示干部姓名（默认以化名显示）
# pseudonym_key = ""           # 化名密钥，也可用环境变量 {KEY_VARIABLE}；切勿外传
"#,
        rules.max_groups_per_unit,
        rules.require_admin,
        rules.require_filing,
        rules.stage_overdue,
        rules.zombie_group_days,
        rules.stale_account_days,
        rules.min_followers,
        rules.overlap_jaccard,
        rules.due_months,
        rules.max_stage_months,
        report.decimals,
        privacy.show_names,
        mib = DEFAULT_MAX_TABLE_BYTES / (1024 * 1024),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `key = value` settings written as comments under their `[section]` in `text`,
    /// as (section.key, value).
    fn documented(text: &str) -> Vec<(String, String)> {
        let mut section = String::new();
        let mut found = Vec::new();
        for line in text.lines() {
            let line = line.trim_start_matches('#').trim();
            let setting = line.split("  #").next().unwrap_or(line).trim();
            if let Some(name) = setting.strip_prefix('[').and_then(|s| s.split(']').next()) {
                section = format!("{name}.");
            } else if let Some((key, value)) = setting.split_once(" = ")
                && !key.contains(' ')
            {
                found.push((format!("{section}{key}"), value.trim().to_string()));
            }
        }
        found
    }

    /// The defaults as campaign.toml would spell them.
    fn default_value(key: &str) -> Option<String> {
        let mut all = toml::Table::new();
        all.insert(
            "rules".into(),
            toml::Value::try_from(RulesConfig::default()).unwrap(),
        );
        all.insert(
            "report".into(),
            toml::Value::try_from(ReportConfig::default()).unwrap(),
        );
        all.insert(
            "privacy".into(),
            toml::Value::try_from(PrivacyConfig::default()).unwrap(),
        );
        all.insert(
            "max_table_bytes".into(),
            toml::Value::Integer(DEFAULT_MAX_TABLE_BYTES as i64),
        );
        let mut value = &toml::Value::Table(all);
        for part in key.split('.') {
            value = value.get(part)?;
        }
        Some(value.to_string())
    }

    fn check_defaults(text: &str, source: &str) -> usize {
        let mut checked = 0;
        for (key, value) in documented(text) {
            if let Some(default) = default_value(&key) {
                assert_eq!(value, default, "{source}: {key}");
                checked += 1;
            }
        }
        checked
    }

    #[test]
    fn readme_documents_the_defaults_of_the_code() {
        let readme = include_str!("../../README.md");
        let start = readme
            .find("# campaign.toml")
            .expect("README's campaign.toml");
        let block = &readme[start..];
        let block = &block[..block.find("```").unwrap()];
        // Every rule, both report settings, show_names and max_table_bytes.
        assert_eq!(check_defaults(block, "README.md"), 14);
    }

    #[test]
    fn init_writes_the_defaults_of_the_code() {
        let toml = campaign_toml("测试");
        assert_eq!(check_defaults(&toml, "campaign.toml"), 14);
        // Uncomment every `# key = value` and `# [section]` line: the result must parse,
        // so the template never documents a setting jianfu would reject, and reads back
        // as the defaults.
        let uncommented: String = toml
            .lines()
            .map(|line| match line.strip_prefix("# ") {
                Some(rest) if rest.starts_with('[') || rest.contains(" = ") => rest,
                _ => line,
            })
            .map(|line| line.split(" #").next().unwrap_or(line).to_string() + "\n")
            .collect();
        let config: CampaignConfig =
            toml::from_str(&uncommented).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert_eq!(config.rules, RulesConfig::default());
        assert_eq!(
            config.report,
            ReportConfig {
                issuer_mark: Some("利川市纪委监委文件".into()),
                doc_number: Some("利纪发〔2019〕12号".into()),
                recipients: Some("各乡镇党委、政府，市直各单位".into()),
                copy_to: Some("市委办公室，市政府办公室".into()),
                ..ReportConfig::default()
            }
        );
        assert_eq!(config.max_table_bytes, Some(DEFAULT_MAX_TABLE_BYTES));
        assert_eq!(config.sheets.named().count(), 3);
        assert_eq!(config.id.as_deref(), Some("lichuan"));
    }

    #[test]
    fn an_unknown_sheet_key_is_an_error() {
        let e = toml::from_str::<CampaignConfig>("name = \"x\"\n[sheets]\ngroup = \"工作群\"\n")
            .unwrap_err();
        assert!(e.message().contains("unknown field `group`"), "{e}");
    }

    #[test]
    fn settings_out_of_range_name_their_key() {
        let check = |text: &str| {
            toml::from_str::<CampaignConfig>(&format!("name = \"x\"\n{text}"))
                .unwrap()
                .validate()
                .unwrap_err()
                .0
        };
        assert_eq!(check("[report]\ndecimals = 40"), "report.decimals");
        assert_eq!(
            check("[rules]\nmax_groups_per_unit = 5000000000"),
            "rules.max_groups_per_unit"
        );
        assert_eq!(
            check("[rules]\noverlap_jaccard = 1.5"),
            "rules.overlap_jaccard"
        );
        assert_eq!(
            check("[rules]\nzombie_group_days = -1"),
            "rules.zombie_group_days"
        );
        assert_eq!(
            check("[report]\nissuer_mark = \"利川市纪委监委\\n文件\""),
            "report.issuer_mark"
        );
        assert_eq!(
            check("[report]\ncopy_to = \"\\u001b[2J\""),
            "report.copy_to"
        );
        assert!(CampaignConfig::default().validate().is_ok());
    }
}
