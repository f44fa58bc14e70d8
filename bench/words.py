"""Status and term words of jianfu's input contract (src/load/values.rs), shared by the peers."""

ACTIVE = ["正常", "保留", "运营", "运行", "在用", "使用", "使用中", "正常运营", "正常运行",
          "继续使用", "精简成员", "active"]
MERGED = ["合并", "整合", "并入", "迁移", "merged"]
STAGE = ["阶段性", "临时", "短期", "阶段", "stage"]
