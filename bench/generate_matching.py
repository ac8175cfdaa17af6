"""A labelled synthetic registry for the matching benchmark (issue 13): persons of the 13 GLO.ACT countries, some
registered more than once, in their own script and in Latin spellings, with the faults real registrations have.

    python bench/generate_matching.py --size 100000 --out bench/var/matching/100k

writes `records.csv` in the input format of `tipsom match dedupe --input` (id, given_name, family_name,
other_names, birth_date, sex, citizenship) and `truth.csv` (id, person, country, script, faults): two records are
the same person exactly when their `person` is the same.

How it is made (every choice seeded, so a size always gives the same file):
- A person has a country (the 13, evenly), a sex (60 % women, as among registered victims), a birth date (1960-2015),
  a given name, a family name and, where the country's naming has one, a patronymic or father's name (Belarus,
  Kyrgyzstan, Ukraine, Egypt), a middle name (Brazil, Nepal) or a second family name (Colombia). Names are drawn
  from the lists below with a Zipf-like skew, so common names are common and namesakes abound, as in a registry.
- The name lists are this benchmark's own, written for it: native script and the Latin spellings people's
  documents use (Arabic, Urdu, Devanagari and Lao by hand; Cyrillic romanised by three systems written here:
  ICAO passports, BGN/PCGN and French practice). They are not tipsom's table of equivalents (matching/data), so
  the benchmark does not test the table against itself; the names the two share are the common ones.
- DUPLICATE_SHARE of persons have 1-3 more records. Each record of a person of a non-Latin country is written in
  the native script or in Latin (the person keeps a preferred spelling; another one now and then), and a duplicate
  carries faults: another transliteration, diacritics dropped, a typo, given and family names swapped, the
  patronymic or middle name dropped, a partial birth date (year, year-month), day and month swapped, the year one
  off, sex or citizenship not recorded.
- NAMESAKE_SHARE of persons are namesakes: another person's full name and spelling, a different birth date (the
  same year in 40 % of them) and sometimes the other sex: different people the matcher must keep apart.
- Records are shuffled; `size` is the number of records (a registry's persons, duplicates included).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import random
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DUPLICATE_SHARE = 0.125  # persons with 1-3 more records
NAMESAKE_SHARE = 0.02
NATIVE_SHARE = 0.6  # a record of a non-Latin country in its own script (else in Latin)
SEED = 13

# --- Name lists ----------------------------------------------------------------------------------------------------
# Non-Latin scripts: "native": ["Latin spelling", ...], the first the most usual. Cyrillic is romanised by rules.

EG_GIVEN_F = {
    "منى": ["Mona", "Mouna", "Muna"], "سارة": ["Sara", "Sarah"], "نورا": ["Noura", "Nora", "Nura"],
    "هبة": ["Heba", "Hiba", "Hebah"], "ياسمين": ["Yasmin", "Yasmine", "Yasmeen"], "دينا": ["Dina", "Deena"],
    "فاطمة": ["Fatma", "Fatima", "Fatema"], "مريم": ["Mariam", "Maryam", "Miriam"], "آية": ["Aya", "Ayah"],
    "إيمان": ["Eman", "Iman", "Imane"], "أسماء": ["Asmaa", "Asma"], "رانيا": ["Rania", "Ranya"],
    "شيماء": ["Shaimaa", "Shaymaa", "Shimaa"], "هدى": ["Hoda", "Huda", "Houda"], "نادية": ["Nadia", "Nadya"],
    "سلمى": ["Salma", "Selma"], "ريم": ["Reem", "Rim"], "ندى": ["Nada"], "عائشة": ["Aisha", "Aysha", "Ayesha"],
    "خديجة": ["Khadiga", "Khadija", "Khadijah"], "زينب": ["Zeinab", "Zainab", "Zaynab"], "هالة": ["Hala"],
    "رحاب": ["Rehab", "Rihab"], "سمر": ["Samar"], "نهى": ["Noha", "Nuha"], "أميرة": ["Amira", "Ameera"],
    "ليلى": ["Laila", "Leila", "Layla"], "جميلة": ["Gamila", "Jamila"], "صفاء": ["Safaa", "Safa"],
    "وفاء": ["Wafaa", "Wafa"], "حنان": ["Hanan"], "سعاد": ["Soad", "Suad", "Souad"], "نجلاء": ["Naglaa", "Najlaa"],
    "سناء": ["Sanaa", "Sana"], "عبير": ["Abeer", "Abir"], "رشا": ["Rasha"], "دعاء": ["Doaa", "Duaa"],
    "إسراء": ["Esraa", "Israa"], "منار": ["Manar"], "نسرين": ["Nesrine", "Nisreen", "Nesreen"],
}  # fmt: skip
EG_GIVEN_M = {
    "محمد": ["Mohamed", "Mohammed", "Muhammad", "Mohammad"], "أحمد": ["Ahmed", "Ahmad"],
    "محمود": ["Mahmoud", "Mahmud", "Mahmood"], "مصطفى": ["Mostafa", "Mustafa", "Moustafa"], "عمرو": ["Amr", "Amro"],
    "كريم": ["Karim", "Kareem"], "علي": ["Ali", "Aly"], "حسن": ["Hassan", "Hasan"],
    "حسين": ["Hussein", "Hussain", "Hosein"], "إبراهيم": ["Ibrahim", "Ebrahim"],
    "يوسف": ["Youssef", "Yousef", "Yusuf"], "عمر": ["Omar", "Umar"], "خالد": ["Khaled", "Khalid"],
    "طارق": ["Tarek", "Tariq", "Tarik"], "سامي": ["Sami", "Samy"], "هشام": ["Hesham", "Hisham"],
    "وليد": ["Walid", "Waleed"], "ياسر": ["Yasser", "Yasir"], "عادل": ["Adel", "Adil"],
    "سعيد": ["Saeed", "Said", "Saied"], "شريف": ["Sherif", "Sharif"], "أشرف": ["Ashraf"],
    "جمال": ["Gamal", "Jamal"], "صلاح": ["Salah"], "رامي": ["Ramy", "Rami"],
    "عبد الله": ["Abdallah", "Abdullah", "Abd Allah"], "عبد الرحمن": ["Abdelrahman", "Abdulrahman", "Abdel Rahman"],
    "عبد العزيز": ["Abdelaziz", "Abdulaziz", "Abdel Aziz"], "مجدي": ["Magdy", "Magdi"], "نبيل": ["Nabil", "Nabeel"],
    "إسماعيل": ["Ismail", "Esmail", "Ismael"], "منصور": ["Mansour", "Mansur"], "فؤاد": ["Fouad", "Fuad"],
    "حمدي": ["Hamdy", "Hamdi"], "رضا": ["Reda", "Ridha"], "هاني": ["Hany", "Hani"], "عماد": ["Emad", "Imad"],
    "أيمن": ["Ayman", "Aymen"], "ماجد": ["Maged", "Majid"], "عصام": ["Essam", "Issam"],
}  # fmt: skip
EG_FAMILY = {
    "السيد": ["El Sayed", "Elsayed", "El-Sayed", "Al-Sayed"], "عبد الرحمن": ["Abdelrahman", "Abdel Rahman"],
    "حسن": ["Hassan", "Hasan"], "إبراهيم": ["Ibrahim", "Ebrahim"], "فؤاد": ["Fouad", "Fuad"],
    "عبد الله": ["Abdallah", "Abdullah"], "منصور": ["Mansour", "Mansur"], "الشريف": ["El Sherif", "Elsherif"],
    "محمد": ["Mohamed", "Mohammed"], "أحمد": ["Ahmed", "Ahmad"], "علي": ["Ali", "Aly"],
    "محمود": ["Mahmoud", "Mahmud"], "مصطفى": ["Mostafa", "Mustafa"], "عثمان": ["Osman", "Othman"],
    "سليمان": ["Soliman", "Suleiman", "Sulaiman"], "النجار": ["El Naggar", "Elnaggar", "Al-Najjar"],
    "المصري": ["El Masry", "Elmasry", "Al-Masri"], "الشافعي": ["El Shafei", "Elshafei", "Al-Shafii"],
    "عبد العزيز": ["Abdelaziz", "Abdel Aziz"], "زكي": ["Zaki", "Zaky"], "رمضان": ["Ramadan"],
    "شاهين": ["Shaheen", "Shahin"], "سالم": ["Salem", "Salim"], "الجمال": ["El Gamal", "Elgamal"],
    "حجازي": ["Hegazy", "Hegazi", "Hijazi"], "عيسى": ["Eissa", "Issa"], "يوسف": ["Youssef", "Yousef"],
    "خليل": ["Khalil", "Khaleel"], "عوض": ["Awad"], "فهمي": ["Fahmy", "Fahmi"], "البنا": ["El Banna", "Elbanna"],
    "سرور": ["Sorour", "Srour"], "الخولي": ["El Kholy", "Elkholy"], "عبد الحميد": ["Abdelhamid", "Abdel Hamid"],
}  # fmt: skip
MA_GIVEN_F = {
    "فاطمة الزهراء": ["Fatima Zahra", "Fatima-Zahra", "Fatimazahra"], "خديجة": ["Khadija", "Khadidja"],
    "سعاد": ["Souad", "Suad"], "نادية": ["Nadia"], "ليلى": ["Leila", "Laila", "Layla"], "حنان": ["Hanane", "Hanan"],
    "مريم": ["Meryem", "Mariam", "Maryam"], "سكينة": ["Soukaina", "Sakina"], "زينب": ["Zineb", "Zainab"],
    "نجاة": ["Najat"], "كريمة": ["Karima"], "سميرة": ["Samira"], "لطيفة": ["Latifa"], "أمينة": ["Amina"],
    "حياة": ["Hayat"], "إكرام": ["Ikram"], "هاجر": ["Hajar"], "سلمى": ["Salma"], "وئام": ["Wiam", "Wiame"],
    "أسماء": ["Asmae", "Asmaa", "Asma"], "شيماء": ["Chaimae", "Chaimaa"], "إيمان": ["Imane", "Iman"],
    "نوال": ["Nawal"], "رشيدة": ["Rachida", "Rashida"], "مليكة": ["Malika"], "عائشة": ["Aicha", "Aisha"],
    "حليمة": ["Halima"], "فدوى": ["Fadwa", "Fadoua"], "بشرى": ["Bouchra", "Bushra"], "غيثة": ["Ghita"],
}  # fmt: skip
MA_GIVEN_M = {
    "يوسف": ["Youssef", "Youssouf", "Yousef"], "مهدي": ["Mehdi", "Mahdi"], "عبد الإله": ["Abdelilah", "Abdelillah"],
    "رشيد": ["Rachid", "Rashid"], "حمزة": ["Hamza"], "سعيد": ["Said", "Saïd", "Saaid"],
    "محمد": ["Mohammed", "Mohamed", "Mouhamed"], "أحمد": ["Ahmed", "Ahmad"], "عبد الله": ["Abdellah", "Abdallah"],
    "عبد الرحيم": ["Abderrahim", "Abdelrahim", "Abdel Rahim"], "عبد الرحمن": ["Abderrahmane", "Abderahmane"],
    "إدريس": ["Driss", "Idriss", "Idris"], "عمر": ["Omar"], "كريم": ["Karim"], "مصطفى": ["Mustapha", "Moustafa"],
    "هشام": ["Hicham", "Hisham"], "خالد": ["Khalid", "Khaled"], "ياسين": ["Yassine", "Yasin", "Yassin"],
    "أيوب": ["Ayoub", "Ayyoub"], "إلياس": ["Ilyas", "Ilias", "Elias"], "أنس": ["Anas"],
    "عثمان": ["Othmane", "Otmane", "Osman"], "نبيل": ["Nabil"], "عادل": ["Adil", "Adel"],
    "إبراهيم": ["Brahim", "Ibrahim"], "إسماعيل": ["Ismail", "Smail"], "جواد": ["Jawad", "Jaouad"],
    "سفيان": ["Soufiane", "Sofiane"], "زكرياء": ["Zakaria", "Zakariae", "Zakariya"], "طارق": ["Tarik", "Tarek"],
}  # fmt: skip
MA_FAMILY = {
    "العلوي": ["El Alaoui", "Alaoui", "Al-Alawi"], "بنعلي": ["Benali", "Ben Ali"],
    "الإدريسي": ["El Idrissi", "Idrissi", "Al-Idrisi"], "التازي": ["Tazi", "El Tazi"],
    "الفاسي": ["El Fassi", "Fassi"], "المنصوري": ["El Mansouri", "Mansouri"], "الزياني": ["Zayani", "Ziani"],
    "الحسني": ["El Hassani", "Hassani"], "بنجلون": ["Benjelloun", "Ben Jelloun"], "الأمراني": ["Amrani", "El Amrani"],
    "بناني": ["Bennani", "Benani"], "برادة": ["Berrada"], "التهامي": ["Touhami", "Tohami"],
    "الوزاني": ["Ouazzani", "El Ouazzani", "Wazzani"], "الشرقاوي": ["Cherkaoui", "Charkaoui"],
    "الكتاني": ["Kettani", "Kattani"], "بوزيد": ["Bouzid"], "بلحاج": ["Belhaj", "Belhadj", "Bel Hadj"],
    "الرحماني": ["Rahmani", "Errahmani"], "الغزالي": ["Ghazali", "El Ghazali"], "الناصري": ["Naciri", "Nassiri"],
    "اليعقوبي": ["Yacoubi", "El Yacoubi", "Yaakoubi"], "القادري": ["Kadiri", "El Kadiri", "Qadiri"],
    "بوعزة": ["Bouazza"], "الحداد": ["Haddad", "El Haddad"], "الخياط": ["Khayat", "El Khayat"],
    "الطاهري": ["Tahiri", "Taheri"], "البقالي": ["Bakkali", "El Bakkali"], "السعدي": ["Saadi", "Essaadi"],
    "الزهراوي": ["Zahraoui", "Zahrawi"],
}  # fmt: skip
PK_GIVEN_F = {
    "عائشہ": ["Ayesha", "Aisha", "Aysha"], "فاطمہ": ["Fatima", "Fatimah"], "سعدیہ": ["Sadia", "Saadia"],
    "نادیہ": ["Nadia"], "ثمینہ": ["Samina", "Sameena"], "مریم": ["Maryam", "Mariam"], "زینب": ["Zainab", "Zaynab"],
    "حنا": ["Hina"], "صائمہ": ["Saima", "Sayma"], "شازیہ": ["Shazia", "Shaziya"], "رابعہ": ["Rabia", "Rabiya"],
    "نازیہ": ["Nazia"], "کرن": ["Kiran"], "سمیرا": ["Sumaira", "Sumera"], "عظمیٰ": ["Uzma"], "فرح": ["Farah"],
    "ثنا": ["Sana", "Sanaa"], "صبا": ["Saba"], "رخسانہ": ["Rukhsana"], "نسرین": ["Nasreen", "Nasrin"],
    "پروین": ["Parveen", "Perveen", "Parvin"], "شبانہ": ["Shabana"], "یاسمین": ["Yasmeen", "Yasmin"],
    "امینہ": ["Amina", "Aminah"], "ارم": ["Iram", "Irum"], "بشریٰ": ["Bushra"], "سلمیٰ": ["Salma"],
    "کلثوم": ["Kulsoom", "Kulsum"], "طاہرہ": ["Tahira"], "شگفتہ": ["Shagufta"],
}  # fmt: skip
PK_GIVEN_M = {
    "علی": ["Ali"], "بلال": ["Bilal"], "عمران": ["Imran"], "عثمان": ["Usman", "Osman"], "حسن": ["Hassan", "Hasan"],
    "فیصل": ["Faisal", "Faysal"], "محمد": ["Muhammad", "Mohammad", "Mohammed"], "احمد": ["Ahmed", "Ahmad"],
    "عمر": ["Umar", "Omar"], "کامران": ["Kamran"], "عرفان": ["Irfan"], "زاہد": ["Zahid"], "آصف": ["Asif", "Aasif"],
    "طارق": ["Tariq", "Tarik"], "شاہد": ["Shahid"], "ساجد": ["Sajid"], "عبداللہ": ["Abdullah", "Abdulla"],
    "نوید": ["Naveed", "Navid"], "وقاص": ["Waqas"], "حمزہ": ["Hamza"], "اسد": ["Asad"], "جاوید": ["Javed", "Javaid"],
    "ندیم": ["Nadeem", "Nadim"], "رضوان": ["Rizwan"], "سلمان": ["Salman"], "یاسر": ["Yasir", "Yasser"],
    "ذیشان": ["Zeeshan", "Zishan"], "خرم": ["Khurram"], "عدنان": ["Adnan"], "شہزاد": ["Shahzad"],
}  # fmt: skip
PK_FAMILY = {
    "خان": ["Khan"], "احمد": ["Ahmed", "Ahmad"], "قریشی": ["Qureshi", "Kureshi"],
    "چوہدری": ["Chaudhry", "Chaudhary", "Choudhry"], "ملک": ["Malik"], "شیخ": ["Sheikh", "Shaikh"],
    "بٹ": ["Butt"], "رضا": ["Raza"], "صدیقی": ["Siddiqui", "Siddiqi"], "حسین": ["Hussain", "Hussein", "Husain"],
    "اعوان": ["Awan"], "راجپوت": ["Rajput"], "مرزا": ["Mirza"], "بیگ": ["Baig", "Beg"], "جٹ": ["Jutt", "Jat"],
    "گجر": ["Gujjar", "Gujar"], "عباسی": ["Abbasi"], "ہاشمی": ["Hashmi", "Hashemi"], "انصاری": ["Ansari"],
    "علوی": ["Alvi", "Alavi"], "نقوی": ["Naqvi"], "زیدی": ["Zaidi", "Zaydi"], "رحمان": ["Rehman", "Rahman"],
    "اقبال": ["Iqbal"], "محمود": ["Mahmood", "Mehmood"], "یوسف": ["Yousaf", "Yusuf", "Yousuf"], "شاہ": ["Shah"],
    "بخاری": ["Bukhari"], "کیانی": ["Kayani", "Kiani"], "جدون": ["Jadoon"],
}  # fmt: skip
NP_GIVEN_F = {
    "सीता": ["Sita", "Seeta"], "गीता": ["Gita", "Geeta"], "सरिता": ["Sarita"], "अनिता": ["Anita"],
    "पूजा": ["Puja", "Pooja"], "सुनिता": ["Sunita", "Suneeta"], "राधा": ["Radha"], "लक्ष्मी": ["Laxmi", "Lakshmi"],
    "कमला": ["Kamala", "Kamla"], "सबिना": ["Sabina"], "रिता": ["Rita", "Reeta"], "मीना": ["Mina", "Meena"],
    "शान्ति": ["Shanti", "Santi"], "उषा": ["Usha"], "मन्जु": ["Manju"], "सुशीला": ["Sushila", "Susila"],
    "बिना": ["Bina", "Beena"], "सपना": ["Sapana", "Sapna"], "निर्मला": ["Nirmala"], "पार्वती": ["Parbati", "Parvati"],
    "दुर्गा": ["Durga"], "अञ्जली": ["Anjali"], "प्रतिभा": ["Pratibha"], "सुस्मिता": ["Susmita", "Sushmita"],
    "रुपा": ["Rupa", "Roopa"], "बिमला": ["Bimala", "Bimla"], "सरस्वती": ["Saraswati", "Sarswati"],
    "यशोदा": ["Yashoda", "Jashoda"], "कल्पना": ["Kalpana"], "मनिषा": ["Manisha", "Maneesha"],
}  # fmt: skip
NP_GIVEN_M = {
    "राम": ["Ram"], "हरि": ["Hari"], "सन्तोष": ["Santosh", "Santos"], "विकास": ["Bikash", "Vikas", "Bikas"],
    "दिनेश": ["Dinesh"], "सुरेश": ["Suresh"], "रमेश": ["Ramesh"], "गणेश": ["Ganesh"], "कृष्ण": ["Krishna"],
    "बिष्णु": ["Bishnu", "Vishnu"], "शिव": ["Shiva", "Shiv"], "प्रकाश": ["Prakash"], "राजेश": ["Rajesh"],
    "सुनिल": ["Sunil", "Suneel"], "अनिल": ["Anil"], "दिपक": ["Dipak", "Deepak"], "महेश": ["Mahesh"],
    "नारायण": ["Narayan"], "गोपाल": ["Gopal"], "बिनोद": ["Binod", "Vinod"], "मनोज": ["Manoj"],
    "प्रदीप": ["Pradeep", "Pradip"], "सञ्जय": ["Sanjay", "Sanjaya"], "अर्जुन": ["Arjun"], "भरत": ["Bharat"],
    "सागर": ["Sagar"], "रबिन": ["Rabin"], "उमेश": ["Umesh"], "केशव": ["Keshav", "Keshab"], "नबिन": ["Nabin", "Navin"],
}  # fmt: skip
NP_FAMILY = {
    "शर्मा": ["Sharma"], "श्रेष्ठ": ["Shrestha", "Shresta", "Srestha"], "गुरुङ": ["Gurung"], "तामाङ": ["Tamang"],
    "थापा": ["Thapa"], "अधिकारी": ["Adhikari"], "राई": ["Rai"], "पौडेल": ["Poudel", "Paudel", "Poudyal"],
    "कार्की": ["Karki"], "मगर": ["Magar"], "लामा": ["Lama"], "बस्नेत": ["Basnet", "Basnyat"],
    "भट्टराई": ["Bhattarai"], "खड्का": ["Khadka"], "घिमिरे": ["Ghimire"], "न्यौपाने": ["Neupane", "Nyaupane"],
    "रेग्मी": ["Regmi"], "महर्जन": ["Maharjan"], "तिवारी": ["Tiwari"], "यादव": ["Yadav"],
    "चौधरी": ["Chaudhary", "Chaudhari"], "शाह": ["Shah"], "कोइराला": ["Koirala"], "खनाल": ["Khanal"],
    "दाहाल": ["Dahal"], "भण्डारी": ["Bhandari"], "ओली": ["Oli"], "लिम्बु": ["Limbu"], "सुवेदी": ["Subedi", "Suwedi"],
    "आचार्य": ["Acharya", "Aacharya"], "पाण्डे": ["Pandey", "Pande"], "जोशी": ["Joshi"], "गिरी": ["Giri"],
    "पन्त": ["Pant", "Panta"], "बराल": ["Baral"], "कंडेल": ["Kandel"],
}  # fmt: skip
NP_MIDDLE_M = {"बहादुर": ["Bahadur"], "कुमार": ["Kumar"], "प्रसाद": ["Prasad"]}
NP_MIDDLE_F = {"कुमारी": ["Kumari"], "देवी": ["Devi"], "माया": ["Maya"]}
LA_GIVEN_F = {
    "ນາລີ": ["Naly", "Nali", "Nalee"], "ສຸດາ": ["Souda", "Suda"], "ມະນີວອນ": ["Manivone", "Manivon", "Maniwon"],
    "ວິໄລ": ["Vilay", "Vilai", "Wilai"], "ຈັນທະລີ": ["Chanthaly", "Chanthali", "Jantaly"],
    "ແສງເດືອນ": ["Sengdeuane", "Sengdouane", "Saengduean"], "ບົວພັນ": ["Bouaphanh", "Bouaphan", "Buaphan"],
    "ມາລີ": ["Maly", "Mali", "Malee"], "ວັນນາ": ["Vanna", "Wanna"], "ດວງຈັນ": ["Douangchanh", "Duangchan"],
    "ແສງຈັນ": ["Sengchanh", "Saengchan", "Sengchan"], "ວານິດາ": ["Vanida", "Wanida"],
    "ດາວວອນ": ["Daovone", "Daovon", "Daowon"], "ຄຳແພງ": ["Khamphaeng", "Khampheng", "Kamphaeng"],
    "ພອນສະຫວັນ": ["Phonsavanh", "Phonsavan", "Ponsawan"], "ອາລຸນີ": ["Alouny", "Aluni"],
    "ສຸກສະຫວັນ": ["Souksavanh", "Souksavan", "Suksawan"], "ບຸນມາ": ["Bounma", "Bunma"],
}  # fmt: skip
LA_GIVEN_M = {
    "ສົມສັກ": ["Somsak", "Somsack"], "ບຸນມີ": ["Bounmy", "Bounmi", "Bunmi"],
    "ສີສະຫວາດ": ["Sisavath", "Sisavat", "Sisawat"], "ຄຳພອນ": ["Khamphone", "Khamphon", "Kampon"],
    "ທອງສຸກ": ["Thongsouk", "Thongsuk", "Tongsouk"], "ວັນໄຊ": ["Vanxay", "Vanxai", "Wanxay"],
    "ສົມພອນ": ["Somphone", "Somphon"], "ບຸນເລີດ": ["Bounleuth", "Bounleut", "Bunloet"],
    "ຄຳໄຊ": ["Khamxay", "Khamsay", "Khamsai"], "ພູວົງ": ["Phouvong", "Phuvong"],
    "ໄຊສົມບັດ": ["Xaysombath", "Saysombat"], "ທອງດີ": ["Thongdy", "Thongdi"], "ແກ້ວ": ["Keo", "Kaeo"],
    "ບຸນທັນ": ["Bounthanh", "Bounthan"], "ສົມບູນ": ["Somboun", "Sombun", "Somboune"],
    "ສຸລິຍາ": ["Souliya", "Suliya", "Souriya"], "ພອນໄຊ": ["Phonexay", "Phonxay", "Phonsai"],
    "ຈັນສະໝອນ": ["Chansamone", "Chansamon"],
}  # fmt: skip
LA_FAMILY = {
    "ພົມມະຈັນ": ["Phommachanh", "Phommachan", "Phommachane"], "ສີສຸວັນ": ["Sisouvanh", "Sisouvan", "Sisuwan"],
    "ວົງສະຫວັນ": ["Vongsavanh", "Vongsavan", "Wongsawan"], "ແສງສຸລິຍາ": ["Sengsouliya", "Saengsuriya"],
    "ຈັນທະວົງ": ["Chanthavong", "Chanthavongs", "Jantawong"], "ອິນທະວົງ": ["Inthavong", "Inthavongs", "Intawong"],
    "ດວງມາລາ": ["Douangmala", "Duangmala"], "ໄຊຍະວົງ": ["Xayavong", "Sayavong", "Xaiyavong"],
    "ພົມມະວົງ": ["Phommavong", "Phomavong"], "ສີຫາລາດ": ["Sihalath", "Sihalat"],
    "ແກ້ວມະນີ": ["Keomany", "Kaeomani", "Keomani"], "ສຸວັນນະວົງ": ["Souvannavong", "Suvannavong"],
    "ຄຳມະນີ": ["Khammany", "Khammani"], "ວົງພະຈັນ": ["Vongphachanh", "Vongphachan"],
    "ລາດສະວົງ": ["Latsavong", "Ratsavong"], "ສີປະເສີດ": ["Sipaseuth", "Sipaseut", "Siprasert"],
    "ທຳມະວົງ": ["Thammavong", "Tammavong"], "ມະນີວົງ": ["Manivong", "Maniwong"], "ສີລາວົງ": ["Silavong", "Sirawong"],
    "ບຸບຜາ": ["Bouppha", "Boupha"], "ພັນທະວົງ": ["Phanthavong", "Panthavong"], "ແສງອາລຸນ": ["Sengaloun", "Saengarun"],
}  # fmt: skip


def words(text: str) -> list[str]:
    """A comma-separated list of names (a name may have spaces: "María Fernanda", "van der Merwe")."""
    return [word.strip() for word in text.split(",") if word.strip()]


# Cyrillic: names in Cyrillic; romanised below. Family names: masculine form (the feminine is derived).
UA_GIVEN_F = words(
    """
    Оксана, Олена, Наталія, Ірина, Юлія, Тетяна, Ольга, Марія, Світлана, Людмила, Галина, Катерина, Анна, Вікторія,
    Надія, Лариса, Валентина, Любов, Софія, Анастасія, Дарина, Христина, Яна, Віра, Зоряна, Мирослава, Олександра,
    Інна, Алла, Лілія
    """
)
UA_GIVEN_M = words(
    """
    Олександр, Андрій, Дмитро, Сергій, Володимир, Богдан, Микола, Іван, Василь, Петро, Михайло, Юрій, Олег, Віктор,
    Ігор, Тарас, Роман, Максим, Артем, Віталій, Євген, Степан, Ярослав, Павло, Григорій, Анатолій, Валерій, Денис,
    Остап, Назар
    """
)
UA_FAMILY = words(
    """
    Коваленко, Шевченко, Бондаренко, Ткаченко, Ткачук, Мельник, Кравчук, Савчук, Олійник, Лисенко, Гнатюк, Бойко,
    Коваль, Кравченко, Поліщук, Марченко, Руденко, Мороз, Романенко, Левченко, Савченко, Павленко, Петренко,
    Іваненко, Шевчук, Кузьменко, Гончаренко, Захарченко, Василенко, Литвиненко, Карпенко, Сидоренко, Клименко,
    Пономаренко, Приходько, Ковальчук, Онищенко, Ярошенко, Демченко, Костенко, Хоменко, Мазур, Гуменюк, Козак,
    Сорока, Білик, Зінченко, Ковальський, Яковенко, Дячук
    """
)
BY_GIVEN_F = words(
    """
    Анна, Ольга, Наталья, Ирина, Елена, Татьяна, Светлана, Юлия, Екатерина, Марина, Мария, Виктория, Алина, Дарья,
    Анастасия, Ксения, Людмила, Галина, Валентина, Надежда, Алеся, Вероника, Оксана, Кристина, Полина
    """
)
BY_GIVEN_M = words(
    """
    Сергей, Дмитрий, Андрей, Павел, Александр, Виктор, Алексей, Николай, Иван, Владимир, Михаил, Юрий, Олег, Игорь,
    Максим, Евгений, Денис, Артем, Вадим, Виталий, Василий, Петр, Антон, Кирилл, Руслан, Геннадий
    """
)
BY_FAMILY = words(
    """
    Богданович, Ярошевич, Макаревич, Лукашевич, Кравченко, Шевчук, Василевич, Марченко, Гурко, Жук, Новик, Ковалев,
    Козлов, Морозов, Павлов, Лебедев, Романов, Соколов, Миронов, Карпович, Казак, Мельников, Климович, Ковальчук,
    Петрович, Григорович, Кузьмич, Сидоренко, Савицкий, Якимович, Левчук, Бондарь, Малиновский, Станкевич, Ткачев,
    Захаренко, Пашкевич, Семенов, Тарасевич, Жданович
    """
)
KG_GIVEN_F = words(
    """
    Айгүл, Жылдыз, Нургүл, Асель, Бермет, Чолпон, Айжан, Гүлнара, Динара, Эльмира, Назгүл, Айнура, Жаңыл, Мээрим,
    Айпери, Салтанат, Гүлзат, Бактыгүл, Камила, Алтынай, Асылзат, Бурул, Айсулуу, Толгонай, Гүлмира
    """
)
KG_GIVEN_M = words(
    """
    Азамат, Бакыт, Нурлан, Эрлан, Талант, Улан, Марат, Айбек, Канат, Бекзат, Эрмек, Данияр, Нурбек, Алмаз, Руслан,
    Тимур, Медер, Жоомарт, Кубанычбек, Бактыбек, Адилет, Эмил, Искендер, Мирлан, Темирлан
    """
)
KG_FAMILY = words(
    """
    Асанов, Токтогулов, Абдыкеримов, Жумабаев, Осмонов, Садыков, Мамытов, Исаков, Токтосунов, Абдраимов, Сыдыков,
    Алиев, Бекмуратов, Калыков, Шаршеналиев, Турдубаев, Маматов, Эсенбаев, Орозбеков, Кадыров, Бейшеналиев, Усенов,
    Ибраимов, Сатыбалдиев, Джумабеков
    """
)

# Latin-script countries: names as written there; their variants are the same name without diacritics and the
# alternative spellings of ALT_SPELLINGS.
BR_GIVEN_F = words(
    """
    Ana, Mariana, Juliana, Fernanda, Luciana, Beatriz, Maria, Camila, Larissa, Letícia, Patrícia, Aline, Bruna,
    Gabriela, Amanda, Jéssica, Vanessa, Renata, Débora, Tatiana, Cláudia, Sandra, Adriana, Raquel, Natália,
    Priscila, Isabela, Luíza, Carolina, Daniela
    """
)
BR_GIVEN_M = words(
    """
    João, Carlos, Rafael, Paulo, Thiago, Marcos, José, Lucas, Pedro, Gabriel, Mateus, Luiz, Antônio, Francisco,
    Bruno, Felipe, Gustavo, Rodrigo, Leonardo, Eduardo, Diego, André, Fábio, Márcio, Vinícius, Ricardo, Sérgio,
    Jorge, Alexandre, Daniel
    """
)
BR_FAMILY = words(
    """
    Silva, Souza, Oliveira, Santos, Pereira, Costa, Rodrigues, Almeida, Carvalho, Ferreira, Lima, Gomes, Ribeiro,
    Martins, Araújo, Barbosa, Rocha, Dias, Nascimento, Moreira, Nunes, Marques, Mendes, Freitas, Cardoso, Ramos,
    Gonçalves, Teixeira, Correia, Vieira, Monteiro, Cavalcanti, Batista, Pinto, Fernandes, Lopes, Castro, Andrade,
    Melo, Azevedo
    """
)
CO_GIVEN_F = words(
    """
    María Fernanda, Luz Marina, Luisa, Catalina, Diana, Paola, Andrea, Laura, Valentina, Daniela, Carolina, Natalia,
    Juliana, Alejandra, Sofía, Camila, Paula, Lina, Ángela, Sandra, Claudia, Marcela, Yesenia, Gloria, Adriana
    """
)
CO_GIVEN_M = words(
    """
    Juan Carlos, Juan David, Miguel Ángel, Andrés, Santiago, Felipe, Jorge, Camilo, Carlos, Luis, José, Alejandro,
    Sebastián, Diego, Óscar, Julián, Mauricio, Fernando, Jaime, Javier, Cristian, Jhon, Édgar, Hernán, Nicolás
    """
)
CO_FAMILY = words(
    """
    Gómez, Rodríguez, Martínez, López, García, Hernández, Ramírez, Castro, Vargas, Moreno, González, Pérez, Sánchez,
    Díaz, Torres, Rojas, Jiménez, Muñoz, Ortiz, Ruiz, Álvarez, Suárez, Romero, Gutiérrez, Mejía, Cárdenas, Restrepo,
    Ospina, Quintero, Zapata, Cardona, Valencia, Salazar, Herrera, Giraldo, Arias, Guzmán, Parra, Rincón, Pineda
    """
)
ML_GIVEN_F = words(
    """
    Aminata, Fatoumata, Mariam, Kadiatou, Oumou, Awa, Assétou, Kadidia, Djénéba, Hawa, Salimata, Rokia, Bintou,
    Aïssata, Nana, Maimouna, Fanta, Korotoumou, Sitan, Ramata, Safiatou, Coumba, Mamou, Adam, Sira
    """
)
ML_GIVEN_M = words(
    """
    Moussa, Mamadou, Boubacar, Ibrahim, Seydou, Amadou, Oumar, Modibo, Bakary, Souleymane, Adama, Issa, Abdoulaye,
    Drissa, Sékou, Lassana, Mahamadou, Yacouba, Siaka, Cheick, Ousmane, Hamidou, Daouda, Brahima, Tiémoko
    """
)
ML_FAMILY = words(
    """
    Traoré, Keïta, Coulibaly, Diarra, Touré, Sangaré, Cissé, Konaté, Sidibé, Dembélé, Diallo, Koné, Camara, Doumbia,
    Maïga, Sissoko, Fofana, Kanté, Samaké, Dicko, Bagayoko, Diakité, Sacko, Guindo, Togola, Kouyaté, Berthé,
    Diabaté, Ballo, Tangara
    """
)
NE_GIVEN_F = words(
    """
    Mariama, Hadiza, Zeinabou, Rakiatou, Aïchatou, Salamatou, Ramatou, Fatimata, Balkissa, Hawa, Habsatou, Mariam,
    Rahila, Nafissa, Saoudata, Hassana, Zouera, Amina, Halima, Fati, Safiya, Zara, Biba, Hadjara, Sahoua
    """
)
NE_GIVEN_M = words(
    """
    Abdou, Issoufou, Moussa, Hamidou, Souleymane, Ibrahim, Mahamadou, Ali, Boubacar, Oumarou, Hassane, Idrissa,
    Abdoulaye, Moumouni, Seyni, Amadou, Adamou, Harouna, Yacouba, Saidou, Garba, Sani, Mamane, Illiassou, Maman
    """
)
NE_FAMILY = words(
    """
    Dan Dano, Hama, Issaka, Abdoulaye, Moumouni, Oumarou, Garba, Souley, Maïga, Boubacar, Harouna, Abdou, Ali,
    Moussa, Salifou, Issoufou, Mahamane, Idrissa, Amadou, Hassane, Saidou, Yacouba, Adamou, Souleymane, Mamoudou,
    Ibrahim, Kountché, Djibo, Tandja, Bako
    """
)
ZA_GIVEN_F = words(
    """
    Thandiwe, Nomvula, Lerato, Naledi, Anele, Sarah, Zanele, Nandi, Palesa, Busisiwe, Nokuthula, Precious, Lindiwe,
    Thembi, Mpho, Refilwe, Ayanda, Karabo, Tshepiso, Sibongile, Elizabeth, Maria, Anna, Johanna, Michelle
    """
)
ZA_GIVEN_M = words(
    """
    Sipho, Thabo, Johan, Themba, Kagiso, Pieter, Bongani, Mandla, Sibusiso, Lwazi, Tshepo, Kabelo, Siyabonga, Lucky,
    Blessing, Jacobus, Hendrik, Willem, Andile, Musa, Tebogo, Mthunzi, Vusi, Jabulani, David
    """
)
ZA_FAMILY = words(
    """
    van der Merwe, Van Wyk, Du Plessis, Nkosi, Dlamini, Mokoena, Naidoo, Botha, Khumalo, Mahlangu, Ndlovu, Pillay,
    Mthembu, Zulu, Ngcobo, Sithole, Mabaso, Molefe, Nel, Pretorius, Venter, Smith, Cele, Shabalala, Buthelezi,
    Maseko, Mkhize, Radebe, Tshabalala, Baloyi, Mokwena, Coetzee, Govender, Moodley, Masilela
    """
)

ALT_SPELLINGS = {
    "Souza": ["Sousa"], "Luiz": ["Luis"], "Thiago": ["Tiago"], "Mateus": ["Matheus"], "Melo": ["Mello"],
    "Luíza": ["Luisa", "Luiza"], "Isabela": ["Isabella"], "Jéssica": ["Jessica", "Jesica"], "Débora": ["Deborah"],
    "Keïta": ["Keita"], "Maïga": ["Maiga"], "Mamadou": ["Mamadu"], "Moussa": ["Musa"], "Oumar": ["Umar", "Omar"],
    "Ousmane": ["Usman", "Ousman"], "Boubacar": ["Aboubacar", "Bubakar"], "Cheick": ["Cheikh", "Sheikh"],
    "Fatoumata": ["Fatumata", "Fatimata"], "Aminata": ["Aminatou"], "Kadiatou": ["Kadiatu", "Khadiatou"],
    "Coulibaly": ["Kulibali", "Koulibaly"], "Touré": ["Ture"], "Diallo": ["Jallow", "Dialo"],
    "Cissé": ["Sisse", "Cisse"], "Traoré": ["Trawore"], "Sékou": ["Sekou", "Sekhou"],
    "Issoufou": ["Issifou", "Yussufu"], "Souleymane": ["Suleiman", "Souleimane"], "Ibrahim": ["Ibrahima"],
    "Abdoulaye": ["Abdullahi", "Abdoulay"], "Mahamadou": ["Mahamadu", "Mohamadou"], "Hadiza": ["Hadizatou"],
    "Mariama": ["Mariamma"], "Harouna": ["Haruna"], "Oumarou": ["Umaru"], "Yacouba": ["Yakuba", "Yacoub"],
    "Jhon": ["John"], "Yesenia": ["Yessenia"], "Thandiwe": ["Thandiwe", "Tandiwe"], "Mokoena": ["Mokwena"],
    "Tshepo": ["Tshepho"], "Naidoo": ["Naidu"],
}  # fmt: skip


# --- Romanisation of Cyrillic: three systems people's documents follow ----------------------------------------------
def _table(pairs: str) -> dict[str, str]:
    return dict(item.split("=") for item in pairs.split())


CYR_COMMON = _table(
    "а=a б=b в=v г=g д=d е=e ё=e ж=zh з=z и=i й=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f х=kh ц=ts ч=ch "
    "ш=sh щ=shch ъ=ie ы=y ь= э=e ю=iu я=ia і=i ї=i є=ie ґ=g ү=u ө=o ң=n ў=u"
)
# ICAO 9303 (machine-readable passports since 2013), Ukrainian letters after the national system.
CYR_ICAO = CYR_COMMON
CYR_ICAO_UK = {**CYR_COMMON, "г": "h", "и": "y", "й": "i", "ї": "i", "є": "ie", "ю": "iu", "я": "ia", "ь": ""}
# BGN/PCGN (older passports, press): ye/yu/ya, y for й.
CYR_BGN = {**CYR_COMMON, "й": "y", "ю": "yu", "я": "ya", "ъ": "", "ь": "", "ё": "yo", "ү": "ü", "ө": "ö", "ң": "ng"}
# French practice (visas, consular papers): ou, ch, tch, j.
CYR_FR = {
    **CYR_COMMON, "у": "ou", "ш": "ch", "ч": "tch", "ж": "j", "х": "kh", "й": "ï", "ю": "iou", "я": "ia",
    "щ": "chtch", "ц": "ts", "ү": "u", "ө": "eu", "ң": "ng", "и": "i", "ы": "y", "е": "e",
}  # fmt: skip
CYR_VOWELS = set("аеёиоуыэюяіїєүө")


def romanise_cyrillic(word: str, table: dict[str, str], *, initial_ye: bool = False) -> str:
    out = []
    for index, char in enumerate(word):
        low = char.lower()
        piece = table.get(low, low)
        # BGN writes е as "ye" at the start of a word and after a vowel (Елена -> Yelena).
        if initial_ye and low == "е" and (index == 0 or word[index - 1].lower() in CYR_VOWELS | {"ь", "ъ"}):
            piece = "ye"
        out.append(piece)
    text = "".join(out)
    return text[:1].upper() + text[1:]


def cyrillic_spellings(word: str, language: str) -> list[str]:
    """The Latin spellings of a Cyrillic name: the passport's first, then the others, without repeats."""
    if language == "uk":
        systems = [
            romanise_cyrillic(word, CYR_ICAO_UK),
            romanise_cyrillic(word, {**CYR_BGN, "г": "h", "и": "y", "і": "i", "ї": "yi", "є": "ye"}),
            romanise_cyrillic(word, CYR_FR),
        ]
    else:
        systems = [
            romanise_cyrillic(word, CYR_ICAO),
            romanise_cyrillic(word, CYR_BGN, initial_ye=True),
            romanise_cyrillic(word, CYR_FR),
        ]
    return list(dict.fromkeys(" ".join(part for part in s.split()) for s in systems))


def cyrillic_feminine(family: str) -> str:
    for ending, feminine in (("ский", "ская"), ("ський", "ська"), ("ов", "ова"), ("ев", "ева"), ("ин", "ина")):
        if family.endswith(ending):
            return family[: -len(ending)] + feminine
    return family


def cyrillic_patronymic(father: str, female: bool, language: str) -> str:
    if language == "uk":
        if father.endswith("ій"):
            return father[:-2] + ("іївна" if female else "ійович")
        if father.endswith("о"):
            return father[:-1] + ("івна" if female else "ович")
        return father + ("івна" if female else "ович")
    if father.endswith("й"):
        return father[:-1] + ("евна" if female else "евич")
    if father.endswith("а"):
        return father[:-1] + ("ична" if female else "ич")
    return father + ("овна" if female else "ович")


def strip_diacritics(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn")


# --- Countries -----------------------------------------------------------------------------------------------------
@dataclass
class Name:
    """One name part: its native form (None for Latin-script countries) and its Latin spellings."""

    native: str | None
    latin: list[str]


@dataclass
class Country:
    code: str
    script: str  # of its registers: Latn, Arab, Cyrl, Deva, Laoo
    given: dict[str, list[Name]]  # "F", "M"
    family: list[Name]
    language: str = ""
    patronymic: bool = False  # Cyrillic: other_names is the patronymic
    father_name: bool = False  # Egypt: other_names is the father's given name
    middle: dict[str, list[Name]] = field(default_factory=dict)  # Nepal (Bahadur, Kumari), Brazil (a second given)
    two_families: bool = False  # Colombia


def native_names(table: dict[str, list[str]]) -> list[Name]:
    return [Name(native, spellings) for native, spellings in table.items()]


def cyrillic_names(words: list[str], language: str) -> list[Name]:
    return [Name(word, cyrillic_spellings(word, language)) for word in words]


def latin_names(words: list[str]) -> list[Name]:
    names = []
    for word in words:
        spellings = [word, strip_diacritics(word), *ALT_SPELLINGS.get(word, [])]
        names.append(Name(None, list(dict.fromkeys(spellings))))
    return names


# Family names made from given names, as many are (Іваненко, Сергеев, Азаматов; in Egypt and Pakistan the family name
# is often a forefather's given name): the lists above alone would make a registry of a million too full of namesakes.
def derived_family(given_male: list[str], language: str) -> list[str]:
    derived = []
    for name in given_male:
        if language == "uk":
            stem = name[:-2] + "і" if name.endswith("ій") else name[:-1] if name[-1] in "оь" else name
            derived += [
                stem + "єнко" if stem.endswith("і") else stem + "енко",
                stem + "юк" if stem.endswith("і") else stem + "ук",
            ]
        elif language == "ru":
            if name.endswith("й"):
                derived += [name[:-1] + "ев", name[:-1] + "евич"]
            elif name[-1] not in "аеиоуыэюяь" and not name.endswith("ел"):
                derived += [name + "ов", name + "ович"]
        elif name[-1] not in "аеиоуыэюяь":  # Kyrgyz
            derived.append(name + "ов")
    return derived


# Lao family names are compounds; their romanisations combine the spellings of each half.
LA_FAMILY_PREFIXES = {
    "ພົມມະ": ["Phomma", "Phouma"], "ສີ": ["Si", "Sy"], "ຈັນທະ": ["Chantha", "Jantha"], "ອິນທະ": ["Intha", "Inta"],
    "ແກ້ວ": ["Keo", "Kaeo"], "ສຸວັນນະ": ["Souvanna", "Suvanna"], "ໄຊຍະ": ["Xaya", "Saya"], "ຄຳ": ["Kham", "Kam"],
    "ບຸນ": ["Boun", "Bun"], "ວົງ": ["Vong", "Wong"],
}  # fmt: skip
LA_FAMILY_SUFFIXES = {
    "ວົງ": ["vong", "wong"], "ສະຫວັນ": ["savanh", "savan"], "ມະນີ": ["many", "mani"], "ສຸກ": ["souk", "suk"],
    "ພັນ": ["phanh", "phan"], "ໄຊ": ["xay", "sai"], "ຈັນ": ["chanh", "chan"], "ລາດ": ["lath", "lat"],
    "ສີ": ["sy", "si"],
}  # fmt: skip


def lao_compound_families() -> dict[str, list[str]]:
    table = {}
    for head, head_spellings in LA_FAMILY_PREFIXES.items():
        for tail, tail_spellings in LA_FAMILY_SUFFIXES.items():
            if head == tail:
                continue
            spellings = [a + b for a in head_spellings for b in tail_spellings]
            table[head + tail] = list(dict.fromkeys(spellings))[:3]
    return table


def countries() -> list[Country]:
    by_family = BY_FAMILY + derived_family(BY_GIVEN_M, "ru")
    ua_family = UA_FAMILY + derived_family(UA_GIVEN_M, "uk")
    kg_family = KG_FAMILY + derived_family(KG_GIVEN_M, "ky")
    eg_family = {**EG_FAMILY, **{k: v for k, v in EG_GIVEN_M.items() if k not in EG_FAMILY}}
    pk_family = {**PK_FAMILY, **{k: v for k, v in PK_GIVEN_M.items() if k not in PK_FAMILY}}
    la_family = {**LA_FAMILY, **lao_compound_families()}
    return [
        Country("BY", "Cyrl", {"F": cyrillic_names(BY_GIVEN_F, "ru"), "M": cyrillic_names(BY_GIVEN_M, "ru")},
                cyrillic_names(list(dict.fromkeys(by_family)), "ru"), language="ru", patronymic=True),
        Country("UA", "Cyrl", {"F": cyrillic_names(UA_GIVEN_F, "uk"), "M": cyrillic_names(UA_GIVEN_M, "uk")},
                cyrillic_names(list(dict.fromkeys(ua_family)), "uk"), language="uk", patronymic=True),
        Country("KG", "Cyrl", {"F": cyrillic_names(KG_GIVEN_F, "ru"), "M": cyrillic_names(KG_GIVEN_M, "ru")},
                cyrillic_names(list(dict.fromkeys(kg_family)), "ru"), language="ru", patronymic=True),
        Country("EG", "Arab", {"F": native_names(EG_GIVEN_F), "M": native_names(EG_GIVEN_M)},
                native_names(eg_family), father_name=True),
        Country("MA", "Arab", {"F": native_names(MA_GIVEN_F), "M": native_names(MA_GIVEN_M)},
                native_names(MA_FAMILY)),
        Country("PK", "Arab", {"F": native_names(PK_GIVEN_F), "M": native_names(PK_GIVEN_M)},
                native_names(pk_family)),
        Country("NP", "Deva", {"F": native_names(NP_GIVEN_F), "M": native_names(NP_GIVEN_M)},
                native_names(NP_FAMILY), middle={"F": native_names(NP_MIDDLE_F), "M": native_names(NP_MIDDLE_M)}),
        Country("LA", "Laoo", {"F": native_names(LA_GIVEN_F), "M": native_names(LA_GIVEN_M)},
                native_names(la_family)),
        Country("BR", "Latn", {"F": latin_names(BR_GIVEN_F), "M": latin_names(BR_GIVEN_M)},
                latin_names(BR_FAMILY), middle={"F": latin_names(BR_GIVEN_F), "M": latin_names(BR_GIVEN_M)},
                two_families=True),
        Country("CO", "Latn", {"F": latin_names(CO_GIVEN_F), "M": latin_names(CO_GIVEN_M)},
                latin_names(CO_FAMILY), two_families=True),
        Country("ML", "Latn", {"F": latin_names(ML_GIVEN_F), "M": latin_names(ML_GIVEN_M)}, latin_names(ML_FAMILY)),
        Country("NE", "Latn", {"F": latin_names(NE_GIVEN_F), "M": latin_names(NE_GIVEN_M)}, latin_names(NE_FAMILY)),
        Country("ZA", "Latn", {"F": latin_names(ZA_GIVEN_F), "M": latin_names(ZA_GIVEN_M)}, latin_names(ZA_FAMILY)),
    ]  # fmt: skip


class Zipf:
    """Draws an index below n with probability proportional to 1/(rank+2)^s: a few names common, many rarer."""

    def __init__(self, n: int, s: float = 0.9):
        weights = [1 / (rank + 2) ** s for rank in range(n)]
        total = sum(weights)
        self.cumulative: list[float] = []
        running = 0.0
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)

    def draw(self, rng: random.Random) -> int:
        return min(bisect.bisect_left(self.cumulative, rng.random()), len(self.cumulative) - 1)


# --- Persons and their records -------------------------------------------------------------------------------------
@dataclass
class Part:
    name: Name
    spelling: int  # the person's usual Latin spelling (index in name.latin)
    native: str | None = None  # Cyrillic feminine family names and patronymics are built, not listed


@dataclass
class Person:
    number: int
    country: Country
    sex: str
    birth: date
    given: Part
    family: Part
    other: Part | None  # patronymic, father's name, middle name or second family name
    records: list[dict[str, str]] = field(default_factory=list)


def make_part(rng: random.Random, name: Name, native: str | None = None) -> Part:
    # Most people keep one spelling (the first, the usual one, more often than the others).
    weights = [3] + [1] * (len(name.latin) - 1)
    return Part(name, rng.choices(range(len(name.latin)), weights)[0], native)


def make_person(rng: random.Random, number: int, country: Country, zipf: dict[int, Zipf]) -> Person:
    sex = "F" if rng.random() < 0.6 else "M"

    def pick(names: list[Name]) -> Name:
        if len(names) not in zipf:
            zipf[len(names)] = Zipf(len(names))
        return names[zipf[len(names)].draw(rng)]

    given_name = pick(country.given[sex])
    family_name = pick(country.family)
    family = make_part(rng, family_name)
    if country.script == "Cyrl" and sex == "F":
        feminine = cyrillic_feminine(family_name.native or "")
        if feminine != family_name.native:
            family = make_part(rng, Name(feminine, cyrillic_spellings(feminine, country.language)))
    other = None
    if country.patronymic:
        father = pick(country.given["M"]).native or ""
        patronymic = cyrillic_patronymic(father, sex == "F", country.language)
        other = make_part(rng, Name(patronymic, cyrillic_spellings(patronymic, country.language)))
    elif country.father_name:
        other = make_part(rng, pick(country.given["M"]))
    elif country.two_families and (not country.middle or rng.random() < 0.6):
        other = make_part(rng, pick(country.family))  # Colombia always, Brazil often: the mother's family name
    elif country.middle and rng.random() < 0.4:
        other = make_part(rng, pick(country.middle[sex]))
    birth = date(rng.randint(1960, 2015), rng.randint(1, 12), rng.randint(1, 28))
    return Person(number, country, sex, birth, make_part(rng, given_name), family, other)


KEYBOARD_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"


def typo(rng: random.Random, text: str) -> str:
    """One edit: a letter doubled, dropped, replaced or two letters swapped (never the first letter dropped)."""
    if len(text) < 4:
        return text
    index = rng.randint(1, len(text) - 2)
    kind = rng.choice(("double", "drop", "replace", "swap"))
    if kind == "double":
        return text[: index + 1] + text[index] + text[index + 1 :]
    if kind == "drop":
        return text[:index] + text[index + 1 :]
    if kind == "swap":
        return text[:index] + text[index + 1] + text[index] + text[index + 2 :]
    pool = KEYBOARD_NEIGHBOURS if text[index].isascii() else text.replace(" ", "")
    return text[:index] + rng.choice(pool) + text[index + 1 :]


def render(rng: random.Random, person: Person, *, duplicate: bool) -> tuple[dict[str, str], str, list[str]]:
    """One record of a person: the row, its name's script, and the faults it carries."""
    country = person.country
    faults: list[str] = []
    native = country.script != "Latn" and rng.random() < NATIVE_SHARE
    script = country.script if native else "Latn"

    def spell(part: Part | None) -> str:
        if part is None:
            return ""
        if native:
            return part.native or part.name.native or ""
        index = part.spelling
        if duplicate and len(part.name.latin) > 1 and rng.random() < 0.3:
            index = rng.randrange(len(part.name.latin))
            if index != part.spelling:
                faults.append("spelling")
        return part.name.latin[index]

    given, family, other = spell(person.given), spell(person.family), spell(person.other)
    birth = person.birth.isoformat()
    sex, citizenship = person.sex, country.code
    if duplicate:
        if not native and country.script == "Latn" and rng.random() < 0.5:
            stripped = (strip_diacritics(given), strip_diacritics(family), strip_diacritics(other))
            if stripped != (given, family, other):
                given, family, other = stripped
                faults.append("diacritics")
        if rng.random() < 0.2:
            which = rng.choice(("given", "family"))
            if which == "given":
                given = typo(rng, given)
            else:
                family = typo(rng, family)
            faults.append("typo")
        if other and rng.random() < 0.3:
            other = ""
            faults.append("dropped_other")
        if rng.random() < 0.08:
            given, family = family, given
            faults.append("swapped_order")
        roll = rng.random()
        b = person.birth
        if roll < 0.12:
            birth = str(b.year)
            faults.append("year_only")
        elif roll < 0.17:
            birth = f"{b.year}-{b.month:02d}"
            faults.append("year_month")
        elif roll < 0.23 and b.day <= 12 and b.day != b.month:
            birth = date(b.year, b.day, b.month).isoformat()
            faults.append("day_month_swapped")
        elif roll < 0.29:
            birth = date(b.year + rng.choice((-1, 1)), b.month, b.day).isoformat()
            faults.append("year_off_by_one")
        elif roll < 0.32:
            birth = ""
            faults.append("no_birth_date")
        if rng.random() < 0.05:
            sex = "U"
            faults.append("no_sex")
        if rng.random() < 0.05:
            citizenship = ""
            faults.append("no_citizenship")
    else:
        # A first registration may itself know only the year of birth, or nothing.
        roll = rng.random()
        if roll < 0.1:
            birth = str(person.birth.year)
        elif roll < 0.12:
            birth = ""
    row = {
        "given_name": given, "family_name": family, "other_names": other, "birth_date": birth, "sex": sex,
        "citizenship": citizenship,
    }  # fmt: skip
    return row, script, faults


def generate(size: int, seed: int = SEED) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """`size` records (shuffled) and their truth rows."""
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data, not secrets)
    all_countries = countries()
    zipf: dict[int, Zipf] = {}
    rows: list[tuple[dict[str, str], dict[str, str]]] = []
    persons: list[Person] = []
    number = 0
    while len(rows) < size:
        country = all_countries[number % len(all_countries)]
        if persons and rng.random() < NAMESAKE_SHARE:
            # A namesake: someone else of the same country with the same name as it is written, born another day.
            model = persons[rng.randrange(max(0, len(persons) - 500), len(persons))]
            country = model.country
            person = Person(number, country, model.sex if rng.random() < 0.8 else ("M" if model.sex == "F" else "F"),
                            model.birth, model.given, model.family, model.other)  # fmt: skip
            same_year = rng.random() < 0.4
            while person.birth == model.birth:
                year = model.birth.year if same_year else model.birth.year + rng.choice((-7, -4, -2, 2, 3, 5, 9))
                person.birth = date(year, rng.randint(1, 12), rng.randint(1, 28))
            kind = "namesake"
        else:
            person = make_person(rng, number, country, zipf)
            kind = "person"
        persons.append(person)
        copies = 1
        if rng.random() < DUPLICATE_SHARE:
            copies += rng.choices((1, 2, 3), (0.6, 0.3, 0.1))[0]
        for copy in range(copies):
            row, script, faults = render(rng, person, duplicate=copy > 0)
            truth = {"person": f"p{number}", "country": country.code, "script": script,
                     "faults": ";".join([kind] if copy == 0 and kind == "namesake" else faults)}  # fmt: skip
            rows.append((row, truth))
        number += 1
    rows = rows[:size]
    rng.shuffle(rows)
    records, truths = [], []
    for index, (row, truth) in enumerate(rows):
        record_id = f"r{index:07d}"
        records.append({"id": record_id, **row})
        truths.append({"id": record_id, **truth})
    return records, truths


RECORD_COLUMNS = ["id", "given_name", "family_name", "other_names", "birth_date", "sex", "citizenship"]
TRUTH_COLUMNS = ["id", "person", "country", "script", "faults"]


def write(out: Path, records: list[dict[str, str]], truths: list[dict[str, str]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in (("records.csv", RECORD_COLUMNS, records), ("truth.csv", TRUTH_COLUMNS, truths)):
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="records (persons, duplicates included)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True, help="directory for records.csv and truth.csv")
    args = parser.parse_args()
    started = time.perf_counter()
    records, truths = generate(args.size, args.seed)
    write(args.out, records, truths)
    persons = len({t["person"] for t in truths})
    print(f"{len(records)} records of {persons} persons in {time.perf_counter() - started:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
