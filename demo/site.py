"""Demo structure for seed_demo: categories, topics, links and placeholder legal settings.
Placeholders only: no real people's names, licence numbers or addresses."""

CATEGORIES = [
    ("Chính trị", "chinh-tri", ["Xây dựng Đảng", "Hoạt động lãnh đạo tỉnh", "Đối ngoại"]),
    ("Kinh tế", "kinh-te", ["Nông nghiệp", "Công nghiệp - Đầu tư", "Thị trường"]),
    ("Xã hội", "xa-hoi", ["Y tế", "Lao động - Việc làm", "Môi trường", "Giao thông"]),
    ("Giáo dục", "giao-duc", []),
    ("Văn hóa", "van-hoa", ["Văn nghệ", "Di sản"]),
    ("Du lịch", "du-lich", []),
    ("Pháp luật", "phap-luat", ["An ninh trật tự"]),
    ("Thể thao", "the-thao", []),
    ("Khoa học - Công nghệ", "khoa-hoc-cong-nghe", ["Chuyển đổi số"]),
    ("Biển đảo", "bien-dao", ["Quốc phòng - An ninh"]),
    ("Đời sống", "doi-song", []),
    ("Thế giới", "the-gioi", []),
    ("Bạn đọc", "ban-doc", ["Đường dây nóng"]),
    ("Tin địa phương", "tin-dia-phuong", ["Phường Nha Trang", "Phường Phan Rang", "Xã Cam Lâm", "Đặc khu Trường Sa"]),
    ("Multimedia", "multimedia", ["Video", "Podcast", "Phóng sự ảnh", "Phóng sự"]),
]  # fmt: skip

TOPICS = [
    ("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", True,
     "Những cách làm hay, tấm gương bình dị trong học tập và làm theo Bác."),
    ("Chuyển đổi số", True, "Chính quyền số, kinh tế số và xã hội số ở địa phương."),
    ("Phòng chống thiên tai", True, "Chủ động ứng phó mưa bão, sạt lở và triều cường."),
    ("An toàn giao thông", False, "Vì những con đường an toàn hơn."),
    ("Xây dựng nông thôn mới", False, "Diện mạo mới của các xã nông thôn."),
]  # fmt: skip

WEBSITE_LINKS = [
    ("Cổng thông tin điện tử tỉnh Khánh Hòa", "https://khanhhoa.gov.vn"),
    ("Báo Chính phủ", "https://baochinhphu.vn"),
    ("Báo Nhân Dân", "https://nhandan.vn"),
    ("Cổng thông tin điện tử Chính phủ", "https://chinhphu.vn"),
    ("Báo điện tử Đảng Cộng sản Việt Nam", "https://dangcongsan.vn"),
    ("Cổng thông tin điện tử Quốc hội", "https://quochoi.vn"),
    ("Thông tấn xã Việt Nam", "https://vnanet.vn"),
    ("Báo Quân đội nhân dân", "https://qdnd.vn"),
    ("Báo Công an nhân dân", "https://cand.com.vn"),
    ("Đài Truyền hình Việt Nam", "https://vtv.vn"),
]

SITE_SETTINGS = {
    "masthead_name": "Báo Mẫu",
    "tagline": "Trang trình diễn hệ thống tòa soạn điện tử",
    "governing_body": "Cơ quan của Tỉnh ủy (tên mẫu)",
    "domain": "localhost:8000",
    "license_no": "Giấy phép số 000/GP-DEMO",
    "license_date": "01/01/2026",
    "license_issuer": "Bộ Văn hóa, Thể thao và Du lịch (mẫu)",
    "addresses": "Số 1 đường Mẫu, phường Mẫu (địa chỉ mẫu)\nVăn phòng đại diện: Số 2 đường Mẫu (địa chỉ mẫu)",
    "phone": "000 0000 000",
    "fax": "000 0000 001",
    "email": "toasoan@example.vn",
    "hotline": "000 0000 002",
    "editor_in_chief": "Nguyễn Văn A (tên mẫu)",
    "deputy_editors": "Trần Thị B (tên mẫu)\nLê Văn C (tên mẫu)",
    "copyright_line": "© 2026 Báo Mẫu (trang trình diễn). Ghi rõ nguồn khi phát hành lại thông tin.",
}

MODERATION_WORDS = [("casino", "block"), ("cá độ", "block"), ("vay tiền nhanh", "block"),
                    ("lừa đảo", "hold"), ("phản động", "hold")]  # fmt: skip
