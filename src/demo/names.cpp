#include "demo/names.h"

#include <array>
#include <string_view>

namespace junheng::demo {
namespace {

struct Surname {
  std::string_view text;
  double percent;  // share of the population (MPS 2019 ranking; approximate)
};

// The 60 most common surnames cover about 85 % of China; the weights below are the
// published shares, so 王/李 each come out near 7-8 % and the tail stays rare.
constexpr Surname kSurnames[] = {
    {"王", 7.12}, {"李", 7.00}, {"张", 6.74}, {"刘", 5.10}, {"陈", 4.61}, {"杨", 3.22}, {"赵", 2.29},
    {"黄", 2.11}, {"周", 1.94}, {"吴", 1.83}, {"徐", 1.47}, {"孙", 1.45}, {"胡", 1.37}, {"朱", 1.30},
    {"高", 1.25}, {"林", 1.21}, {"何", 1.18}, {"郭", 1.15}, {"马", 1.05}, {"罗", 0.86}, {"梁", 0.84},
    {"宋", 0.81}, {"郑", 0.78}, {"谢", 0.72}, {"韩", 0.68}, {"唐", 0.63}, {"冯", 0.62}, {"于", 0.62},
    {"董", 0.61}, {"萧", 0.59}, {"程", 0.57}, {"曹", 0.57}, {"袁", 0.54}, {"邓", 0.54}, {"许", 0.54},
    {"傅", 0.51}, {"沈", 0.50}, {"曾", 0.50}, {"彭", 0.49}, {"吕", 0.47}, {"苏", 0.46}, {"卢", 0.46},
    {"蒋", 0.46}, {"蔡", 0.44}, {"贾", 0.42}, {"丁", 0.41}, {"魏", 0.40}, {"薛", 0.39}, {"叶", 0.39},
    {"阎", 0.38}, {"余", 0.38}, {"潘", 0.37}, {"杜", 0.36}, {"戴", 0.35}, {"夏", 0.35}, {"钟", 0.35},
    {"汪", 0.33}, {"田", 0.33}, {"任", 0.33}, {"姜", 0.32}, {"范", 0.31}, {"方", 0.31}, {"石", 0.30},
    {"姚", 0.30}, {"谭", 0.29}, {"廖", 0.28}, {"邹", 0.28}, {"熊", 0.27}, {"金", 0.27}, {"陆", 0.27},
    {"郝", 0.26}, {"孔", 0.26}, {"白", 0.25}, {"崔", 0.25}, {"康", 0.24}, {"毛", 0.24}, {"邱", 0.24},
    {"秦", 0.23}, {"江", 0.23}, {"史", 0.23}, {"顾", 0.22}, {"侯", 0.22}, {"邵", 0.22}, {"孟", 0.21},
    {"龙", 0.21}, {"万", 0.21}, {"段", 0.20}, {"雷", 0.20}, {"钱", 0.20}, {"汤", 0.19}, {"尹", 0.19},
    {"黎", 0.19}, {"易", 0.18}, {"常", 0.18}, {"武", 0.18}, {"乔", 0.18}, {"贺", 0.18}, {"赖", 0.17},
    {"龚", 0.17}, {"文", 0.17}, {"靳", 0.12}, {"柴", 0.10}, {"卫", 0.08}, {"亢", 0.03}};

// Common given-name characters by gender (frequent in the 1950s-2010s name
// statistics; a mix of older and newer fashions).
constexpr std::string_view kMale[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "斌", "宇",
    "浩", "凯", "健", "俊", "帆", "文", "博", "晨", "建", "国", "志", "海", "东", "峰", "波", "亮", "龙",
    "林", "宁", "鑫", "昊", "轩", "睿", "泽", "子", "铭", "阳", "一", "天", "佳", "思", "宏", "永", "晋",
    "嘉", "豪", "瑞", "俊", "成", "康", "兵", "旭", "振"};
constexpr std::string_view kFemale[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "桂", "英", "兰", "红", "燕", "萍", "梅",
    "婷", "雪", "琳", "晶", "慧", "颖", "倩", "洁", "琴", "欣", "怡", "佳", "雨", "萱", "涵", "悦", "诗",
    "梓", "紫", "思", "可", "馨", "淑", "蓉", "丹", "瑶", "晓", "春", "小", "美", "云", "月", "凤", "文",
    "彤", "若", "一", "媛", "宁", "莉", "爱", "珍", "菲"};

double TotalPercent() {
  double t = 0;
  for (const Surname& s : kSurnames) t += s.percent;
  return t;
}

}  // namespace

std::string MakeName(HashRng& rng, Sex sex) {
  static const double kTotal = TotalPercent();
  double u = rng.Uniform() * kTotal;
  std::string_view surname = kSurnames[0].text;
  for (const Surname& s : kSurnames) {
    if (u < s.percent) { surname = s.text; break; }
    u -= s.percent;
  }
  std::string name(surname);
  const bool female = sex == Sex::kFemale;
  const int n = female ? static_cast<int>(std::size(kFemale)) : static_cast<int>(std::size(kMale));
  const auto pick = [&]() { return female ? kFemale[rng.Below(n)] : kMale[rng.Below(n)]; };
  name += pick();
  if (rng.Uniform() >= 0.2) name += pick();  // about 80 % two-character given names
  return name;
}

std::string MakePhone(HashRng& rng) {
  static constexpr char kSecond[] = {'3', '5', '8'};
  std::string phone = "1";
  phone += kSecond[rng.Below(3)];
  for (int i = 0; i < 9; ++i) phone += static_cast<char>('0' + rng.Below(10));
  return phone;
}

}  // namespace junheng::demo
