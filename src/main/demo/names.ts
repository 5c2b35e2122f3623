// Name parts for demo students: common Indian given names and surnames, with a few accented ones for search.
export const GIVEN_NAMES = [
  'Aarav', 'Vivaan', 'Aditya', 'Vihaan', 'Arjun', 'Sai', 'Reyansh', 'Ayaan', 'Krishna', 'Ishaan', 'Shaurya', 'Atharv',
  'Advik', 'Pranav', 'Rohan', 'Kabir', 'Dhruv', 'Rudra', 'Karthik', 'Naveen', 'Suresh', 'Imran', 'Joseph', 'Thomas',
  'Aadhya', 'Ananya', 'Diya', 'Saanvi', 'Pari', 'Myra', 'Anika', 'Navya', 'Kiara', 'Riya', 'Ira', 'Meera', 'Lakshmi',
  'Kavya', 'Sneha', 'Pooja', 'Fatima', 'Zoya', 'Mary', 'Priya', 'Nandini', 'Tanvi', 'Gauri', 'Shreya', 'Zoë', 'Renée',
];

export const SURNAMES = [
  'Sharma', 'Verma', 'Gupta', 'Iyer', 'Nair', 'Menon', 'Reddy', 'Rao', 'Patel', 'Shah', 'Desai', 'Joshi', 'Kulkarni',
  'Pillai', 'Das', 'Banerjee', 'Chatterjee', 'Mukherjee', 'Singh', 'Kaur', 'Khan', 'Ahmed', 'Fernandes', 'DSouza',
  'Naidu', 'Hegde', 'Shetty', 'Kamath', 'Bhat', 'Mishra', 'Pandey', 'Yadav', 'Chauhan', 'Thakur', 'Bose', 'Sen',
];

export const GUARDIAN_GIVEN = ['Ramesh', 'Suresh', 'Mahesh', 'Anil', 'Sunil', 'Rajesh', 'Vijay', 'Sanjay', 'Lata', 'Sunita', 'Geeta', 'Anita', 'Farah', 'John'];

export const BANKS = ['State Bank of India', 'Canara Bank', 'HDFC Bank', 'ICICI Bank', 'Bank of Baroda', 'Punjab National Bank'];
