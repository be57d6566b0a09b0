/* Rendering the audit report. The figures come from ca_report (sql/0013) and are only laid out here. */
#include "report.h"

#include <string.h>

#include "buf.h"
#include "csv.h"

static const char *const system_ids[] = {"publicity", "recording", "review", "documents", "archive", NULL};
static const char *const system_zh[] = {"行政执法公示", "执法全过程记录", "重大执法决定法制审核", "执法文书规范",
                                        "案卷归档", NULL};
static const char *const grade_ids[] = {"excellent", "good", "pass", "fail", NULL};
#define N_GRADES 4
static const char *const grade_zh[] = {"优秀", "良好", "合格", "不合格", NULL};

/* The index of a grade in grade_ids (an unknown one counts as the last, fail). */
static int grade_index(const char *grade)
{
  for (int i = 0; grade && grade_ids[i]; i++)
    if (strcmp(grade, grade_ids[i]) == 0)
      return i;
  return N_GRADES - 1;
}

static long long ival(const json_t *o, const char *k) { return (long long)json_integer_value(json_object_get(o, k)); }

static void html_escape(FILE *out, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '"': fputs("&quot;", out); break;
    default: fputc(*s, out);
    }
  }
}

static void rate_cell(FILE *out, const json_t *r)
{
  json_t *rate = json_object_get(r, "rate");
  if (json_is_number(rate))
    fprintf(out, "%.1f%%", json_number_value(rate) * 100.0);
  else
    fputs("—", out);
}

/* A horizontal bar chart: labels and values, with the previous period's value as a thin mark. */
static void svg_bars(FILE *out, const char *const *labels, const long long *now, const long long *before, size_t n)
{
  long long max = 1;
  for (size_t i = 0; i < n; i++) {
    if (now[i] > max)
      max = now[i];
    if (before && before[i] > max)
      max = before[i];
  }
  int row = 26, width = 640, label_w = 190, bar_w = width - label_w - 60;
  fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" role=\"img\">", width,
          (size_t)row * n + 10);
  for (size_t i = 0; i < n; i++) {
    int y = (int)i * row + 5;
    int w = (int)((double)bar_w * (double)now[i] / (double)max);
    fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"13\">", label_w - 8, y + 15);
    html_escape(out, labels[i]);
    fprintf(out, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#2b6cb0\"/>", label_w, y, w);
    if (before) {
      int b = (int)((double)bar_w * (double)before[i] / (double)max);
      fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"3\" height=\"22\" fill=\"#c05621\"/>", label_w + b, y - 2);
    }
    fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\">%lld</text>", label_w + w + 6, y + 15, now[i]);
  }
  fputs("</svg>", out);
}

static int write_html(const json_t *d, FILE *out)
{
  const json_t *cur = json_object_get(d, "current"), *prev = json_object_get(d, "previous_stats");
  const json_t *rules = json_object_get(d, "rules");
  fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<title>行政执法案卷评查报告</title><style>"
        "body{font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei',sans-serif;margin:2em auto;"
        "max-width:60em;color:#1a202c;line-height:1.5}h1{font-size:1.6em;border-bottom:3px solid #2b6cb0}"
        "h2{font-size:1.2em;margin-top:1.6em;border-left:5px solid #2b6cb0;padding-left:.5em}"
        "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #cbd5e0;padding:.3em .5em;"
        "text-align:left;vertical-align:top}th{background:#edf2f7}td.n{text-align:right}"
        ".kpi{display:inline-block;min-width:10em;margin:.3em 1em .3em 0;padding:.5em 1em;border:1px solid #cbd5e0;"
        "border-radius:4px}.kpi b{display:block;font-size:1.5em}.muted{color:#718096;font-size:.9em}"
        ".fail{color:#c53030;font-weight:bold}@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}}"
        "</style></head><body>\n",
        out);
  fputs("<h1>行政执法案卷评查报告</h1><p>执法主体：<b>", out);
  html_escape(out, json_string_value(json_object_get(d, "agency_name")));
  fputs("</b>（", out);
  html_escape(out, json_string_value(json_object_get(d, "agency")));
  fprintf(out, "）<br>评查期间：立案日期 %s 至 %s；对比期间：%s 至 %s<br>规则包版本 ",
          json_string_value(json_object_get(d, "from")), json_string_value(json_object_get(d, "to")),
          json_string_value(json_object_get(json_object_get(d, "previous"), "from")),
          json_string_value(json_object_get(json_object_get(d, "previous"), "to")));
  html_escape(out, json_string_value(json_object_get(d, "pack_version")));
  fprintf(out, "；生成时间 %s</p>\n", json_string_value(json_object_get(d, "generated_at")));

  fputs("<h2>一、总体情况</h2>", out);
  fprintf(out, "<div class=\"kpi\">评查案卷<b>%lld</b><span class=\"muted\">上期 %lld</span></div>", ival(cur, "cases"),
          ival(prev, "cases"));
  fprintf(out, "<div class=\"kpi\">存在问题案卷<b>%lld</b><span class=\"muted\">上期 %lld</span></div>",
          ival(cur, "flagged_cases"), ival(prev, "flagged_cases"));
  json_t *avg = json_object_get(cur, "average_score"), *pavg = json_object_get(prev, "average_score");
  fprintf(out, "<div class=\"kpi\">平均得分<b>%.1f</b><span class=\"muted\">上期 %.1f</span></div>",
          json_number_value(avg), json_number_value(pavg));
  fputs("<table><tr><th>指标</th><th>本期</th><th>上期</th><th>说明</th></tr>", out);
  struct {
    const char *key, *label, *num, *den, *note;
  } rates[] = {
    {"av_coverage", "重点环节音像记录覆盖率", "covered", "events", "查封、扣押、强制拆除、强制执行、限制人身自由等环节全程音像记录"},
    {"legal_review_coverage", "重大执法决定法制审核覆盖率", "reviewed", "decisions", "重大、复杂或经听证的决定在作出前经法制审核"},
    {"publication_on_time", "行政处罚决定按时公示率", "on_time", "decisions", "普通程序处罚决定在期限内公示"},
  };
  for (size_t i = 0; i < 3; i++) {
    json_t *c = json_object_get(cur, rates[i].key), *p = json_object_get(prev, rates[i].key);
    fprintf(out, "<tr><td>%s</td><td class=\"n\">", rates[i].label);
    rate_cell(out, c);
    fprintf(out, " <span class=\"muted\">(%lld/%lld)</span></td><td class=\"n\">", ival(c, rates[i].num),
            ival(c, rates[i].den));
    rate_cell(out, p);
    fprintf(out, "</td><td class=\"muted\">%s</td></tr>", rates[i].note);
  }
  fputs("</table>", out);

  fputs("<h2>二、等次分布</h2>", out);
  /* 良好 only where a case has it (in either period): a standard without that band gives none */
  long long g_now[N_GRADES], g_before[N_GRADES];
  const char *g_labels[N_GRADES + 1];
  size_t ng = 0;
  for (size_t i = 0; i < N_GRADES; i++) {
    g_now[ng] = ival(json_object_get(cur, "grades"), grade_ids[i]);
    g_before[ng] = ival(json_object_get(prev, "grades"), grade_ids[i]);
    g_labels[ng] = grade_zh[i];
    if (strcmp(grade_ids[i], "good") != 0 || g_now[ng] > 0 || g_before[ng] > 0)
      ng++;
  }
  g_labels[ng] = NULL;
  svg_bars(out, g_labels, g_now, g_before, ng);
  fputs("<p class=\"muted\">蓝条为本期，橙色标记为上期。</p>", out);

  fputs("<h2>三、问题按制度分布</h2>", out);
  long long s_now[5], s_before[5];
  for (size_t i = 0; i < 5; i++) {
    s_now[i] = ival(json_object_get(cur, "findings_by_system"), system_ids[i]);
    s_before[i] = ival(json_object_get(prev, "findings_by_system"), system_ids[i]);
  }
  svg_bars(out, system_zh, s_now, s_before, 5);

  fputs("<h2>四、问题按规则分布</h2><table><tr><th>规则</th><th>问题</th><th>本期</th><th>上期</th></tr>", out);
  const char *rid;
  json_t *rinfo;
  json_object_foreach((json_t *)rules, rid, rinfo)
  {
    long long n = ival(json_object_get(cur, "findings_by_rule"), rid);
    long long pn = ival(json_object_get(prev, "findings_by_rule"), rid);
    if (n == 0 && pn == 0)
      continue;
    fprintf(out, "<tr><td>%s</td><td>", rid);
    html_escape(out, json_string_value(json_object_get(rinfo, "title_zh")));
    fprintf(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td></tr>", n, pn);
  }
  fputs("</table>", out);

  fputs("<h2>五、问题较严重的案卷</h2><table><tr><th>案号</th><th>当事人</th><th>得分</th><th>等次</th><th>主要问题</th></tr>",
        out);
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(d, "serious_cases"), i, c)
  {
    fputs("<tr><td>", out);
    html_escape(out, json_string_value(json_object_get(c, "case_no")));
    fputs("</td><td>", out);
    html_escape(out, json_string_value(json_object_get(c, "party_name")));
    int gi = grade_index(json_string_value(json_object_get(c, "grade")));
    fprintf(out, "</td><td class=\"n\">%lld</td><td class=\"%s\">%s</td><td>", ival(c, "score"),
            gi == N_GRADES - 1 ? "fail" : "", grade_zh[gi]);
    size_t j;
    json_t *f;
    json_array_foreach(json_object_get(c, "findings"), j, f)
    {
      if (j == 3) {
        fprintf(out, "……等 %zu 项", json_array_size(json_object_get(c, "findings")));
        break;
      }
      fprintf(out, "%s%s ", j ? "<br>" : "", json_string_value(json_object_get(f, "rule")));
      html_escape(out, json_string_value(json_object_get(f, "message")));
    }
    fputs("</td></tr>", out);
  }
  fputs("</table>", out);

  const char *lists[2][2] = {{"best_cases", "六、优秀案卷候选（得分最高）"}, {"worst_cases", "七、问题案卷候选（得分最低）"}};
  for (size_t k = 0; k < 2; k++) {
    fprintf(out, "<h2>%s</h2><table><tr><th>案号</th><th>得分</th><th>等次</th></tr>", lists[k][1]);
    json_array_foreach(json_object_get(cur, lists[k][0]), i, c)
    {
      int gi = grade_index(json_string_value(json_object_get(c, "grade")));
      fputs("<tr><td>", out);
      html_escape(out, json_string_value(json_object_get(c, "case_no")));
      fprintf(out, "</td><td class=\"n\">%lld</td><td>%s</td></tr>", ival(c, "score"), grade_zh[gi]);
    }
    fputs("</table>", out);
  }
  fputs("<p class=\"muted\">本报告由 caseaudit 根据案卷数据和规则包自动生成；各项问题的法律依据见规则说明。"
        "优秀案卷与问题案卷为候选，需经人工复核确定。</p></body></html>\n",
        out);
  return ferror(out) ? -1 : 0;
}

static int write_csv(const json_t *d, FILE *out)
{
  struct buf b = {0};
  const json_t *cur = json_object_get(d, "current"), *prev = json_object_get(d, "previous_stats");
  buf_append(&b, CSV_BOM, strlen(CSV_BOM));
  const char *header[] = {"section", "key", "current", "previous"};
  for (size_t i = 0; i < 4; i++)
    csv_cell(&b, header[i], i == 0);
  csv_end_row(&b);
  char v1[64], v2[64];
#define ROW(sec, key, a, p)                                                                                          \
  do {                                                                                                               \
    csv_cell(&b, sec, true);                                                                                         \
    csv_cell(&b, key, false);                                                                                        \
    csv_cell(&b, a, false);                                                                                          \
    csv_cell(&b, p, false);                                                                                          \
    csv_end_row(&b);                                                                                                 \
  } while (0)
  ROW("period", "agency", json_string_value(json_object_get(d, "agency")), "");
  ROW("period", "agency_name", json_string_value(json_object_get(d, "agency_name")), "");
  ROW("period", "from", json_string_value(json_object_get(d, "from")),
      json_string_value(json_object_get(json_object_get(d, "previous"), "from")));
  ROW("period", "to", json_string_value(json_object_get(d, "to")),
      json_string_value(json_object_get(json_object_get(d, "previous"), "to")));
  const char *counts[] = {"cases", "flagged_cases"};
  for (size_t i = 0; i < 2; i++) {
    snprintf(v1, sizeof v1, "%lld", ival(cur, counts[i]));
    snprintf(v2, sizeof v2, "%lld", ival(prev, counts[i]));
    ROW("totals", counts[i], v1, v2);
  }
  snprintf(v1, sizeof v1, "%.2f", json_number_value(json_object_get(cur, "average_score")));
  snprintf(v2, sizeof v2, "%.2f", json_number_value(json_object_get(prev, "average_score")));
  ROW("totals", "average_score", v1, v2);
  const char *rates[] = {"av_coverage", "legal_review_coverage", "publication_on_time"};
  for (size_t i = 0; i < 3; i++) {
    json_t *a = json_object_get(json_object_get(cur, rates[i]), "rate");
    json_t *p = json_object_get(json_object_get(prev, rates[i]), "rate");
    snprintf(v1, sizeof v1, "%.4f", json_number_value(a));
    snprintf(v2, sizeof v2, "%.4f", json_number_value(p));
    ROW("rates", rates[i], json_is_number(a) ? v1 : "", json_is_number(p) ? v2 : "");
  }
  for (size_t i = 0; grade_ids[i]; i++) {
    snprintf(v1, sizeof v1, "%lld", ival(json_object_get(cur, "grades"), grade_ids[i]));
    snprintf(v2, sizeof v2, "%lld", ival(json_object_get(prev, "grades"), grade_ids[i]));
    ROW("grades", grade_ids[i], v1, v2);
  }
  for (size_t i = 0; system_ids[i]; i++) {
    snprintf(v1, sizeof v1, "%lld", ival(json_object_get(cur, "findings_by_system"), system_ids[i]));
    snprintf(v2, sizeof v2, "%lld", ival(json_object_get(prev, "findings_by_system"), system_ids[i]));
    ROW("findings_by_system", system_ids[i], v1, v2);
  }
  const char *rid;
  json_t *rinfo;
  json_object_foreach(json_object_get(d, "rules"), rid, rinfo)
  {
    snprintf(v1, sizeof v1, "%lld", ival(json_object_get(cur, "findings_by_rule"), rid));
    snprintf(v2, sizeof v2, "%lld", ival(json_object_get(prev, "findings_by_rule"), rid));
    ROW("findings_by_rule", rid, v1, v2);
  }
  size_t i;
  json_t *c;
  const char *lists[] = {"best_cases", "worst_cases"};
  for (size_t k = 0; k < 2; k++)
    json_array_foreach(json_object_get(cur, lists[k]), i, c)
    {
      snprintf(v1, sizeof v1, "%lld", ival(c, "score"));
      ROW(lists[k], json_string_value(json_object_get(c, "case_no")), v1, "");
    }
  json_array_foreach(json_object_get(d, "serious_cases"), i, c)
  {
    snprintf(v1, sizeof v1, "%lld", ival(c, "score"));
    ROW("serious_cases", json_string_value(json_object_get(c, "case_no")), v1, "");
  }
#undef ROW
  size_t w = fwrite(b.data, 1, b.len, out);
  int rc = w == b.len ? 0 : -1;
  buf_free(&b);
  return rc;
}

int report_write(const json_t *data, const char *format, FILE *out)
{
  if (strcmp(format, "html") == 0)
    return write_html(data, out);
  if (strcmp(format, "csv") == 0)
    return write_csv(data, out);
  return json_dumpf(data, out, JSON_INDENT(1) | JSON_SORT_KEYS) == 0 && fputc('\n', out) != EOF ? 0 : -1;
}
